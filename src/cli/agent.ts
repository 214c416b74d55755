import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import type { ScanResult } from '../findings/scan-result.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { parseSeverity, severityRank } from '../scan/severity-order.js';
import { EXIT } from './exit-codes.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';
import type { AgentRunFlags } from './agent-run.js';
import { profilesCommand } from './agent-profiles.js';
import { eventsCommand } from './agent-events.js';
import { diffCommand } from './agent-diff.js';

interface InventoryFlags {
  dockerHost?: string;
  all?: boolean;
  format: ReportFormat;
  output?: string;
  failOn?: string;
  policy?: string;
  db?: string;
}

/** `bulkhead agent`: the runtime side (foreground agent, inventory, profiles, events, diff). */
export function agentCommand(ctx: CliContext): Command {
  const agent = new Command('agent')
    .summary('runtime protection for Docker hosts: drift prevention, behaviour profiles, threat detection')
    .description(
      'With --mode, runs in the foreground until SIGTERM. One bpftrace program (exec, TCP connect and\n' +
        'listen, process creation, writes and chmod +x, setuid, ptrace) watches the containers; where eBPF\n' +
        'is unavailable the agent polls /proc instead and says so.\n' +
        '\n' +
        'Drift: an executable that is not in the container\'s image (created or changed in its writable\n' +
        'layer, or run from memory) is reported; in protect mode it is killed in the kernel at exec, before\n' +
        'it runs any of its own code (action blocked-at-exec), or at once from user space where the kernel\n' +
        'check cannot see it (action killed).\n' +
        'Profiles: learn mode records, per image, the executables, parent-child pairs, listening ports,\n' +
        'outbound destinations and written paths (readable YAML, see `agent profiles`); monitor mode alerts\n' +
        'on anything outside the profile; protect mode also kills the process (or pauses/stops the\n' +
        'container, per policy). The agent\'s mode is a ceiling for each profile\'s own mode.\n' +
        'Detectors: reputation-listed destinations, port scans, fork bombs, interactive shells, sshd,\n' +
        'database images connecting out, containers past their time to live, root containers, setuid to\n' +
        'root, ptrace. Settings come from the `runtime:` section of the policy file (docs/policy.md).\n' +
        '\n' +
        'Events: one JSON object per line to --events FILE (standard output when not given), the local\n' +
        'store (SQLite, read with `agent events`) and --syslog. Needs root, bpftrace and tracefs (mounted\n' +
        'by the agent when missing).',
    )
    .addOption(new Option('--mode <mode>', 'learn (record profiles), monitor (alert) or protect (respond)').choices(['learn', 'monitor', 'protect']))
    .option('--events <file>', 'append events as JSON lines to FILE (default: standard output)')
    .option('--store <file>', 'SQLite event store (default: STATE_DIR/agent.db)')
    .option('--no-store', 'keep no local event store')
    .option('--syslog <target>', 'also send events to syslog: udp://HOST:PORT, tcp://HOST:PORT or unix:///PATH')
    .option('--policy <file>', 'policy file whose runtime: section configures networks, lists, detectors, TTL and profiles')
    .option('--profiles <dir>', 'behaviour profiles folder (default: $BULKHEAD_PROFILES_DIR or STATE_DIR/profiles)')
    .option('--state-dir <dir>', 'state folder (default: $BULKHEAD_STATE_DIR or /var/lib/bulkhead)')
    .option('--reputation <file...>', 'bad-IP lists (FireHOL netset, Spamhaus DROP) in addition to the policy\'s')
    .option('--learn-for <duration>', 'new profiles leave learn mode after DURATION (30m, 12h, 7d)')
    .addOption(new Option('--probe <probe>', 'event source').choices(['auto', 'bpftrace', 'procfs']).default('auto'))
    .option('--containers <ids>', 'watch only these containers (comma-separated ids or names; protect mode default: those running at start)')
    .option('--docker-host <url>', 'Docker Engine endpoint (default $DOCKER_HOST or unix:///var/run/docker.sock)')
    .option('--server <url>', 'also report the host, its containers and every event to this Bulkhead server (spooled on disk while it is unreachable)')
    .option('--token <token>', 'API token of an operator user for --server (default $BULKHEAD_TOKEN)')
    .option('--no-usage', 'do not record what containers of each image use (executables, libraries, files read, capabilities; STATE_DIR/usage)')
    .option('--record-syscalls', 'also count the system calls each image\'s containers make (for a seccomp profile; the busiest probe)')
    .action(async (flags: Omit<AgentRunFlags, 'mode'> & { mode?: AgentRunFlags['mode'] }) => {
      if (!flags.mode) {
        agent.outputHelp();
        return;
      }
      const { runAgent } = await import('./agent-run.js');
      await runAgent(ctx, { ...flags, mode: flags.mode });
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
    .option('--db <file>', 'also scan each running image against this vulnerability database and report its known vulnerabilities')
    .option('--policy <file>', 'also flag containers holding more privilege than the policy allows (privileged, host namespaces, engine socket, root)')
    .action(async (own: InventoryFlags, command: Command) => {
      // `agent` has --docker-host too: commander hands it to the parent, wherever it is written
      const flags = { ...own, ...pickDefined(command.optsWithGlobals(), ['dockerHost']) } as InventoryFlags;
      const failOn = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn);
      if (flags.failOn !== undefined && (!failOn || failOn === 'unknown')) throw new BulkheadError('USAGE', `--fail-on "${flags.failOn}": expected critical, high, medium, low or negligible`);
      const { daemonEndpoint } = await import('../image/daemon-api.js');
      const { inspectInventory } = await import('../runtime/index.js');
      const { renderReport } = await import('../report/index.js');
      const endpoint = daemonEndpoint(flags.dockerHost ?? process.env['DOCKER_HOST']);
      const result = await inspectInventory(endpoint, { ...(flags.all ? { all: true } : {}) });
      if (flags.db) {
        const { scanImage } = await import('../scan/index.js');
        const { openVulnDb } = await import('../vuln/index.js');
        const { imageScanFindings } = await import('../runtime/inventory/index.js');
        const db = openVulnDb(flags.db);
        try {
          const host = flags.dockerHost ?? process.env['DOCKER_HOST'];
          result.findings.push(
            ...(await imageScanFindings(result.containers, async (imageId) => {
              try {
                return (await scanImage(`docker-daemon:${imageId}`, { db, scanners: ['vuln'], maxDbAgeDays: 0, ...(host ? { dockerHost: host } : {}) })).result;
              } catch (e) {
                ctx.reporter().warn(`image ${imageId}: not scanned: ${e instanceof Error ? e.message : String(e)}`);
                return undefined;
              }
            })),
          );
        } finally {
          db.close();
        }
      }
      if (flags.policy) {
        const { loadPolicy } = await import('../policy/index.js');
        const { privilegeDrift } = await import('../runtime/respond/index.js');
        const policy = await loadPolicy(flags.policy);
        for (const fact of result.containers) result.findings.push(...privilegeDrift(fact, policy));
      }
      const scan = inventoryResult(endpoint.display, result.findings, ctx.version, failOn);
      const text = await renderReport(flags.format, scan, { color: flags.format === 'table' && !flags.output && process.stdout.isTTY === true });
      await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
      if (failOn && scan.findings.some((f) => f.severity !== 'unknown' && severityRank(f.severity) <= severityRank(failOn))) ctx.setExitCode(EXIT.POLICY_VIOLATION);
    });
  agent.addCommand(inventory.exitOverride());
  agent.addCommand(profilesCommand(ctx).exitOverride());
  agent.addCommand(eventsCommand(ctx).exitOverride());
  agent.addCommand(diffCommand(ctx).exitOverride());
  agent.addCommand(usageCommand(ctx).exitOverride());
  return agent;
}

/** `bulkhead agent usage [IMAGE]`: what containers of each image used, as the agent recorded it. */
function usageCommand(ctx: CliContext): Command {
  return new Command('usage')
    .summary('show what containers of each image used at runtime (executables, libraries, files read, capabilities)')
    .description(
      'Without IMAGE, lists the images with usage records: observation window, containers and counts.\n' +
        'With IMAGE (an id, a unique id prefix, or the name containers used), prints its record. The agent\n' +
        'records usage in every mode unless started with --no-usage; `bulkhead surface` reads these records.',
    )
    .argument('[image]', 'image id or name')
    .option('--state-dir <dir>', 'state folder (default: $BULKHEAD_STATE_DIR or /var/lib/bulkhead)')
    .option('--json', 'print JSON (the stored record, or an array of records)')
    .action(async (image: string | undefined, own: { stateDir?: string; json?: boolean }, command: Command) => {
      const flags = { ...own, ...pickDefined(command.optsWithGlobals(), ['stateDir']) };
      const { stateDir } = await import('./agent-run.js');
      const { listUsage, loadUsage, renderUsageList, renderUsageRecord } = await import('../runtime/usage/index.js');
      const dir = stateDir(flags.stateDir);
      if (image === undefined) {
        const records = await listUsage(dir);
        await writeOutput(flags.json ? JSON.stringify(records, null, 1) + '\n' : renderUsageList(records), undefined);
        return;
      }
      const record = await loadUsage(dir, image);
      if (!record) throw new BulkheadError('INPUT_NOT_FOUND', `image "${image}": no usage recorded in ${dir}/usage`, { input: image });
      await writeOutput(flags.json ? JSON.stringify(record, null, 1) + '\n' : renderUsageRecord(record), undefined);
    });
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

/** The named options that were given (parent options that share a subcommand's flag names). */
export function pickDefined(options: Record<string, unknown>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (typeof options[name] === 'string') out[name] = options[name] as string;
  return out;
}
