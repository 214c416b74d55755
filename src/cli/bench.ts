import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import type { ScanResult } from '../findings/scan-result.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { parseSeverity, severityRank } from '../scan/severity-order.js';
import { EXIT } from './exit-codes.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

interface DockerBenchFlags {
  dockerHost?: string;
  format: ReportFormat;
  output?: string;
  failOn?: string;
  sections?: string;
  include?: string;
  showPassed?: boolean;
}

/** `bulkhead bench`: host hardening benchmarks. */
export function benchCommand(ctx: CliContext): Command {
  const bench = new Command('bench').summary('check a host against a hardening benchmark (CIS Docker Benchmark)');
  const docker = new Command('docker')
    .summary('check this Docker host against the CIS Docker Benchmark v1.6.0')
    .description(
      'Reads the daemon\'s command line and daemon.json, docker info, the owner and mode of Docker\'s files,\n' +
        'the audit rules, and every running container and local image, and judges each automatable\n' +
        'recommendation of sections 1-5. Failed checks are findings with ids CIS-DOCKER-<number>; manual\n' +
        'recommendations and passing checks are listed with --show-passed. Run as root on the Docker host.',
    )
    .option('--docker-host <url>', 'Docker Engine endpoint (default $DOCKER_HOST or unix:///var/run/docker.sock)')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to FILE (written atomically)')
    .option('--fail-on <severity>', 'exit 1 when a failed check is at or above SEVERITY')
    .option('--sections <list>', 'only these sections, comma-separated (1,2,3,4,5)')
    .option('--include <names>', 'only containers whose name and images whose tag contain one of these (comma-separated)')
    .option('--show-passed', 'also list passing, informational and manual checks')
    .action(async (flags: DockerBenchFlags) => {
      const failOn = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      if (flags.failOn !== undefined && (!failOn || failOn === 'unknown')) throw new BulkheadError('USAGE', `--fail-on "${flags.failOn}": expected critical, high, medium, low or negligible`);
      const sections = flags.sections === undefined ? undefined : flags.sections.split(',').map((s) => Number(s.trim()));
      if (sections?.some((s) => !Number.isInteger(s) || s < 1 || s > 5)) throw new BulkheadError('USAGE', `--sections "${flags.sections}": expected section numbers 1 to 5, comma-separated`);
      const { daemonEndpoint } = await import('../image/daemon-api.js');
      const { gatherHostFacts, evaluateBenchmark, benchFindings, benchSummary } = await import('../config/docker-host/index.js');
      const { renderReport } = await import('../report/index.js');
      const endpoint = daemonEndpoint(flags.dockerHost ?? process.env['DOCKER_HOST']);
      const include = flags.include?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const facts = await gatherHostFacts(endpoint, include?.length ? { include } : {});
      const results = evaluateBenchmark(facts, sections);
      const findings = benchFindings(results, { showPassed: flags.showPassed === true });
      const scan = benchResult(endpoint.display, findings, ctx.version, failOn, benchSummary(results));
      const text = await renderReport(flags.format, scan, { color: flags.format === 'table' && !flags.output && process.stdout.isTTY === true });
      await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
      if (failOn && results.some((r) => r.verdict === 'warn' && severityRank(r.severity) <= severityRank(failOn))) ctx.setExitCode(EXIT.POLICY_VIOLATION);
    });
  bench.addCommand(docker.exitOverride());
  return bench;
}

/** Benchmark findings in the report shape every format renders (the subject is the Docker host). */
function benchResult(host: string, findings: Finding[], version: string, failOn: Severity | undefined, summaryLine: string): ScanResult {
  const sorted = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.id.localeCompare(b.id, 'en', { numeric: true }));
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of sorted) if (f.evidence?.['verdict'] === 'warn') summary[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version },
    createdAt: new Date().toISOString(),
    image: { reference: host, transport: 'docker-daemon', labels: {}, layers: [] },
    packagesScanned: 0,
    findings: sorted,
    summary,
    options: failOn ? { failOn } : {},
    warnings: [summaryLine],
  };
}
