import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import type { ScanResult } from '../findings/scan-result.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { parseSeverity, severityRank } from '../scan/severity-order.js';
import { EXIT } from './exit-codes.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

interface DiffFlags {
  dockerHost?: string;
  format: ReportFormat;
  output?: string;
  failOn?: string;
}

/**
 * `bulkhead agent diff CONTAINER`: what changed in a running container's file system since it was
 * created (`docker diff` lines: A added, C changed, D deleted), with findings for added or changed
 * executables and changes to sensitive files. The table format lists the changes and then the
 * findings; json adds the changes to the report as `changes`; the other formats hold the findings.
 */
export function diffCommand(ctx: CliContext): Command {
  return new Command('diff')
    .summary("list a container's file changes and flag executables and sensitive files")
    .argument('<container>', 'container id or name')
    .option('--docker-host <url>', 'Docker Engine endpoint (default $DOCKER_HOST or unix:///var/run/docker.sock)')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to FILE (written atomically)')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above SEVERITY')
    .action(async (container: string, flags: DiffFlags) => {
      const failOn = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      if (flags.failOn !== undefined && (!failOn || failOn === 'unknown')) throw new BulkheadError('USAGE', `--fail-on "${flags.failOn}": expected critical, high, medium, low or negligible`);
      const { daemonEndpoint } = await import('../image/daemon-api.js');
      const { containerChanges, summariseChanges } = await import('../runtime/respond/index.js');
      const { renderReport } = await import('../report/index.js');
      const endpoint = daemonEndpoint(flags.dockerHost ?? process.env['DOCKER_HOST']);
      const result = await containerChanges(container, { socket: endpoint });
      const findings = summariseChanges(result.changes, result.container);
      const scan = diffResult(result.container.name, result.container.image, findings, ctx.version, failOn);
      let text: string;
      if (flags.format === 'json') {
        text = JSON.stringify({ ...scan, changes: result.changes }, null, 2);
      } else {
        text = await renderReport(flags.format, scan, { color: flags.format === 'table' && !flags.output && process.stdout.isTTY === true });
        if (flags.format === 'table') {
          const lines = result.changes.map((c) => `${c.kind} ${c.path}${c.executable ? ' (executable)' : ''}`);
          text = `${lines.length ? lines.join('\n') : `no changes in container ${result.container.name}`}\n\n${text}`;
        }
      }
      await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
      if (failOn && scan.findings.some((f) => f.severity !== 'unknown' && severityRank(f.severity) <= severityRank(failOn))) ctx.setExitCode(EXIT.POLICY_VIOLATION);
    })
    .exitOverride();
}

/** The findings in the report shape every format renders; the subject is the container. */
function diffResult(container: string, image: string, findings: Finding[], version: string, failOn: Severity | undefined): ScanResult {
  const sorted = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.target.path ?? '').localeCompare(b.target.path ?? ''));
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of sorted) summary[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version },
    createdAt: new Date().toISOString(),
    image: { reference: `container ${container} (${image})`, transport: 'docker-daemon', labels: {}, layers: [] },
    packagesScanned: 0,
    findings: sorted,
    summary,
    options: failOn ? { failOn } : {},
    warnings: [],
  };
}
