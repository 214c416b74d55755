import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import type { ScanResult } from '../findings/scan-result.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { parseSeverity, severityRank } from '../scan/severity-order.js';
import { EXIT } from './exit-codes.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

interface InventoryFlags {
  dockerHost?: string;
  all?: boolean;
  format: ReportFormat;
  output?: string;
  failOn?: string;
}

/** `bulkhead agent`: the runtime side. Today the container inventory; event probes and profiles next. */
export function agentCommand(ctx: CliContext): Command {
  const agent = new Command('agent')
    .summary('runtime protection for Docker hosts: drift prevention, container inventory')
    .description(
      'With --mode, runs in the foreground until SIGTERM: every exec in a container is seen through\n' +
        'bpftrace (kernel exec tracepoint). An executable that is not in the container\'s image (created or\n' +
        'changed in its writable layer, or run from memory) is reported as drift; in protect mode it is\n' +
        'killed in the kernel at exec, before it runs any of its own code (action blocked-at-exec), or at\n' +
        'once from user space when the kernel check cannot see it (action killed). One JSON object per\n' +
        'event line goes to --events FILE (or standard output). Needs root, bpftrace and tracefs (mounted\n' +
        'by the agent when missing).',
    )
    .addOption(new Option('--mode <mode>', 'monitor (alert) or protect (block drift)').choices(['monitor', 'protect']))
    .option('--events <file>', 'append events as JSON lines to FILE (default: standard output)')
    .option('--containers <ids>', 'protect only these containers (comma-separated ids or names; default: those running at start)')
    .option('--docker-host <url>', 'Docker Engine endpoint (default $DOCKER_HOST or unix:///var/run/docker.sock)')
    .action(async (flags: { mode?: 'monitor' | 'protect'; events?: string; containers?: string; dockerHost?: string }) => {
      if (!flags.mode) {
        agent.outputHelp();
        return;
      }
      await runAgent(ctx, { mode: flags.mode, ...flags });
    });
  const inventory = new Command('inventory')
    .summary('list running containers and flag risky settings')
    .description(
      'Reads the Docker Engine and reports, per running container: privileged mode, engine socket and\n' +
        'sensitive host path mounts, host namespaces, added capabilities, user drift from the image,\n' +
        'missing memory/CPU/pids limits, and secrets passed in environment variables or arguments\n' +
        '(names and redacted matches only).',
    )
    .option('--docker-host <url>', 'Docker Engine endpoint (default $DOCKER_HOST or unix:///var/run/docker.sock)')
    .option('--all', 'include stopped containers')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to FILE (written atomically)')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above SEVERITY')
    .action(async (flags: InventoryFlags) => {
      const failOn = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      if (flags.failOn !== undefined && (!failOn || failOn === 'unknown')) throw new BulkheadError('USAGE', `--fail-on "${flags.failOn}": expected critical, high, medium, low or negligible`);
      const { daemonEndpoint } = await import('../image/daemon-api.js');
      const { inspectInventory } = await import('../runtime/index.js');
      const { renderReport } = await import('../report/index.js');
      const endpoint = daemonEndpoint(flags.dockerHost ?? process.env['DOCKER_HOST']);
      const result = await inspectInventory(endpoint, { ...(flags.all ? { all: true } : {}) });
      const scan = inventoryResult(endpoint.display, result.findings, ctx.version, failOn);
      const text = await renderReport(flags.format, scan, { color: flags.format === 'table' && !flags.output && process.stdout.isTTY === true });
      await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
      if (failOn && scan.findings.some((f) => f.severity !== 'unknown' && severityRank(f.severity) <= severityRank(failOn))) ctx.setExitCode(EXIT.POLICY_VIOLATION);
    });
  agent.addCommand(inventory.exitOverride());
  return agent;
}

/** Runtime findings in the report shape every format renders (the subject is the Docker host). */
function inventoryResult(host: string, findings: Finding[], version: string, failOn: Severity | undefined): ScanResult {
  const sorted = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.target.container ?? '').localeCompare(b.target.container ?? '') || a.id.localeCompare(b.id));
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of sorted) summary[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version },
    createdAt: new Date().toISOString(),
    image: { reference: host, transport: 'docker-daemon', labels: {}, layers: [] },
    packagesScanned: 0,
    findings: sorted,
    summary,
    options: failOn ? { failOn } : {},
    warnings: [],
  };
}

/** The foreground agent: drift events until SIGTERM or SIGINT. */
async function runAgent(ctx: CliContext, flags: { mode: 'monitor' | 'protect'; events?: string; containers?: string; dockerHost?: string }): Promise<void> {
  const { appendFileSync } = await import('node:fs');
  const { daemonEndpoint } = await import('../image/daemon-api.js');
  const { listContainers, startDriftMonitor } = await import('../runtime/index.js');
  const reporter = ctx.reporter();
  const endpoint = daemonEndpoint(flags.dockerHost ?? process.env['DOCKER_HOST']);
  // the kernel check is limited to Docker's containers: an overlay root of the host itself (a
  // machine that runs in a container) must never be "protected"
  // monitor mode watches every container; protect mode acts only on the listed (or running) ones
  const containerIds = flags.containers
    ? flags.containers.split(',').map((s) => s.trim()).filter(Boolean)
    : flags.mode === 'protect'
      ? (await listContainers(endpoint)).map((c) => c.Id)
      : undefined;
  const write = (line: string): void => {
    if (flags.events) appendFileSync(flags.events, line + '\n');
    else process.stdout.write(line + '\n');
  };
  const monitor = await startDriftMonitor({
    mode: flags.mode,
    reporter,
    ...(containerIds ? { containerIds } : {}),
    ...(endpoint.socketPath ? { dockerSocket: endpoint.socketPath } : {}),
    onEvent: (event) => write(JSON.stringify(event)),
  });
  if (monitor.mountedTracefs) reporter.warn('mounted tracefs at /sys/kernel/tracing (it was missing)');
  reporter.warn(`agent running in ${flags.mode} mode for ${containerIds ? `${containerIds.length} container(s)` : 'every container'}; SIGTERM stops it`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await monitor.stop();
  reporter.stop();
}
