import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import type { ScanResult } from '../findings/scan-result.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { parseSeverity, severityRank } from '../scan/severity-order.js';
import { EXIT } from './exit-codes.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

interface ConfigFlags {
  pss: 'baseline' | 'restricted';
  format: ReportFormat;
  output?: string;
  failOn?: string;
  trustedRegistries?: string;
  ignorefile?: string;
}

export function configCommand(ctx: CliContext): Command {
  const cmd = new Command('config')
    .summary('check Kubernetes manifests and Dockerfiles for misconfiguration')
    .description(
      'Reads Kubernetes manifests (YAML, multi-document, Helm-rendered, JSON, kind: List) and Dockerfiles\n' +
        '(Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile) from files or directory trees. Workloads are\n' +
        'checked against the Kubernetes Pod Security Standards (findings PSS-<control>) and hardening rules\n' +
        '(BH-K8S-0xx); Dockerfiles against build rules (BH-DF-0xx). Each finding names file and line.',
    )
    .argument('<path>', 'file or directory')
    .addOption(new Option('--pss <level>', 'Pod Security Standards level (restricted includes baseline)').choices(['baseline', 'restricted']).default('restricted'))
    .addOption(new Option('-f, --format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to FILE (written atomically)')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above SEVERITY (critical, high, medium, low, negligible)')
    .option('--trusted-registries <list>', 'comma-separated registries or registry/path prefixes images may come from')
    .option('--ignorefile <file>', 'suppression rules (default ./.bulkheadignore.yaml when present; rules with kind: misconfiguration)');
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 no finding at or above --fail-on (or no --fail-on), 1 the gate failed, 2 usage,
3 the path cannot be read, 6 output.

Examples:
  bulkhead config deploy/
  helm template my-release ./chart > rendered.yaml && bulkhead config rendered.yaml --pss baseline
  bulkhead config . --format sarif -o config.sarif --fail-on high
  bulkhead config k8s/ --trusted-registries ghcr.io/acme,registry.k8s.io`,
  );
  cmd.action(async (path: string, flags: ConfigFlags) => {
    const failOn = flags.failOn === undefined ? undefined : parseFailOn(flags.failOn);
    const trustedRegistries = flags.trustedRegistries?.split(',').map((s) => s.trim()).filter(Boolean);
    if (trustedRegistries && trustedRegistries.length === 0) throw new BulkheadError('USAGE', '--trusted-registries: no registry given');
    // loaded on use: `bulkhead --help` should not pay for the scanners and report code
    const { scanConfig } = await import('../config/index.js');
    const { renderReport } = await import('../report/index.js');
    const reporter = ctx.reporter();
    const scan = await scanConfig(path, { pss: flags.pss, ...(trustedRegistries ? { trustedRegistries } : {}) });
    reporter.stop();
    for (const w of scan.warnings) reporter.warn(w);
    // the same suppression rules as `bulkhead scan` (kind: misconfiguration, ids, paths, expiry)
    let findings = scan.findings;
    const warnings = [...scan.warnings];
    const ignorePath = flags.ignorefile ?? (existsSync('.bulkheadignore.yaml') ? '.bulkheadignore.yaml' : undefined);
    if (ignorePath) {
      const { loadIgnoreFile, applySuppressions } = await import('../findings/index.js');
      const suppressed = applySuppressions(findings, { ignore: await loadIgnoreFile(ignorePath) }, new Date());
      findings = suppressed.findings;
      for (const w of suppressed.warnings) reporter.warn(w);
      warnings.push(...suppressed.warnings);
    }
    const result = configScanResult(path, findings, warnings, { toolVersion: ctx.version, ...(failOn ? { failOn } : {}) });
    const color = flags.format === 'table' && !flags.output && process.stdout.isTTY === true;
    const text = await renderReport(flags.format, result, { color, ...(process.stdout.columns ? { width: process.stdout.columns } : {}) });
    await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
    if (failOn) {
      const violations = result.findings.filter((f) => !f.suppression && f.severity !== 'unknown' && severityRank(f.severity) <= severityRank(failOn));
      if (violations.length > 0) {
        reporter.warn(`${violations.length} finding(s) at or above ${failOn}: the gate fails`);
        ctx.setExitCode(EXIT.POLICY_VIOLATION);
      }
    }
  });
  return cmd;
}

function parseFailOn(value: string): Severity {
  const s = parseSeverity(value);
  if (!s || s === 'unknown') throw new BulkheadError('USAGE', `--fail-on "${value}": expected one of ${SEVERITIES.filter((x) => x !== 'unknown').join(', ')}`, { input: value });
  return s;
}

/**
 * A ScanResult for configuration findings. ScanResult was made for images: `image` describes the
 * scanned path (transport `dir`, no layers), and no packages or database take part.
 */
export function configScanResult(path: string, findings: Finding[], warnings: string[], opts: { toolVersion: string; failOn?: Severity; now?: Date }): ScanResult {
  const sorted = [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.target.path ?? '').localeCompare(b.target.path ?? '') ||
      Number(a.evidence?.line ?? 0) - Number(b.evidence?.line ?? 0) ||
      a.id.localeCompare(b.id),
  );
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of sorted) if (!f.suppression) summary[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    image: { reference: path, transport: 'dir', labels: {}, layers: [] },
    packagesScanned: 0,
    findings: sorted,
    summary,
    options: opts.failOn ? { failOn: opts.failOn } : {},
    warnings,
  };
}
