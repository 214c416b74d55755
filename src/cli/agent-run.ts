/**
 * `bulkhead agent --mode learn|monitor|protect`: the foreground agent. Flags become the agent's
 * options; events go to the local store (SQLite), --events FILE (or standard output), and syslog.
 */
import { join } from 'node:path';
import { BulkheadError } from '../errors.js';
import type { CliContext } from './context.js';
import type { Policy } from '../policy/index.js';
import type { Detection } from '../runtime/detectors/types.js';
import type { ContainerContext } from '../runtime/events/observation.js';
import type { Severity } from '../findings/types.js';

export interface AgentRunFlags {
  mode: 'learn' | 'monitor' | 'protect';
  events?: string;
  store?: string | false;
  syslog?: string;
  policy?: string;
  profiles?: string;
  stateDir?: string;
  reputation?: string[];
  probe?: 'auto' | 'bpftrace' | 'procfs';
  containers?: string;
  learnFor?: string;
  dockerHost?: string;
  server?: string;
  token?: string;
  /** Record what containers of each image use (STATE_DIR/usage); `--no-usage` turns it off. */
  usage?: boolean;
  recordSyscalls?: boolean;
}

/** Default folder for the agent's store and profiles. */
export function stateDir(flag?: string): string {
  return flag ?? process.env['BULKHEAD_STATE_DIR'] ?? '/var/lib/bulkhead';
}

export async function runAgent(ctx: CliContext, flags: AgentRunFlags): Promise<void> {
  const { daemonEndpoint } = await import('../image/daemon-api.js');
  const { listContainers } = await import('../runtime/index.js');
  const { startAgent, ProfileKeeper } = await import('../runtime/agent/index.js');
  const { defaultRuntimeConfig } = await import('../runtime/config/index.js');
  const { createDetectors, loadReputationLists } = await import('../runtime/detectors/index.js');
  const { ProfileStore } = await import('../runtime/profiles/index.js');
  const { openSinks } = await import('../runtime/sinks/index.js');
  const { createResponder } = await import('../runtime/respond/index.js');
  const reporter = ctx.reporter();

  let config = defaultRuntimeConfig();
  let policy: Policy | undefined;
  if (flags.policy) {
    const { loadPolicy } = await import('../policy/index.js');
    policy = await loadPolicy(flags.policy);
    config = policy.runtime ?? config;
    // the deployment section's time to live applies to every image no runtime.ttl entry names
    if (policy.deployment?.maxContainerAge) {
      config = { ...config, ttl: [...config.ttl, { images: ['*'], maxAge: policy.deployment.maxContainerAge, action: 'alert' }] };
    }
  }
  if (flags.learnFor) {
    if (!/^\d{1,9}[smhd]$/u.test(flags.learnFor)) throw new BulkheadError('USAGE', `--learn-for "${flags.learnFor}": expected a duration such as 30s, 10m, 12h or 7d`);
    config = { ...config, profiles: { ...config.profiles, learnFor: flags.learnFor } };
  }
  const lists = [...config.reputation.lists, ...(flags.reputation ?? [])];
  const reputation = lists.length > 0 ? await loadReputationLists(lists) : undefined;
  if (reputation) reporter.warn(`reputation lists: ${reputation.count} address blocks from ${lists.length} file(s)`);

  const endpoint = daemonEndpoint(flags.dockerHost ?? process.env['DOCKER_HOST']);
  const socket = endpoint.socketPath;
  if (!socket) throw new BulkheadError('USAGE', `--docker-host ${endpoint.display}: the agent needs the Engine's unix socket (it runs on the Docker host)`);
  // protect mode acts only on the listed containers, or those running when it starts; the kernel
  // check never covers an overlay root of the host itself
  const containerIds = flags.containers
    ? flags.containers.split(',').map((s) => s.trim()).filter(Boolean)
    : flags.mode === 'protect'
      ? (await listContainers(endpoint)).map((c) => c.Id)
      : undefined;

  const state = stateDir(flags.stateDir);
  const profiles = new ProfileKeeper(new ProfileStore(flags.profiles ?? process.env['BULKHEAD_PROFILES_DIR'] ?? join(state, 'profiles')), config.profiles, reporter);
  await profiles.load();
  const sinks = await openSinks({
    ...(flags.events ? { eventsFile: flags.events } : { stdout: true }),
    ...(flags.store !== false ? { store: flags.store ?? join(state, 'agent.db') } : {}),
    ...(flags.syslog ? { syslog: flags.syslog } : {}),
    reporter,
  });
  const responder = createResponder({ socket, reporter });
  const toServer = flags.server ? await serverReporter(ctx, flags.server, flags.token ?? process.env['BULKHEAD_TOKEN'], state, endpoint, profiles.store, reporter) : undefined;
  const agent = await startAgent({
    mode: flags.mode,
    config,
    reporter,
    detectors: createDetectors(config, reputation ? { reputation } : {}),
    profiles,
    responder: {
      pause: async (id) => (await responder.pause(id)).ok,
      stop: async (id) => (await responder.stop(id)).ok,
      replace: async (id) => {
        const r = await responder.replace(id);
        return r.ok
          ? { ok: true, reason: `replaced by ${r.newId.slice(0, 12)} from ${r.image}${r.imageChanged ? ' (a newer image)' : ''}` }
          : { ok: false, reason: r.reason };
      },
    },
    dockerSocket: socket,
    ...(policy ? { checkContainer: privilegeCheck(policy, socket) } : {}),
    ...(containerIds ? { containerIds } : {}),
    probe: flags.probe ?? 'auto',
    ...(flags.usage !== false ? { usage: { stateDir: state, syscalls: flags.recordSyscalls === true } } : {}),
    startProcfs: async (onEvent) => {
      const { startProcfsProbe } = await import('../runtime/procfs/index.js');
      return startProcfsProbe({ onEvent, reporter });
    },
    onEvent: (event) => {
      sinks.write(event);
      toServer?.sink.write(event);
    },
  });
  if (agent.probe.mountedTracefs) reporter.warn('mounted tracefs at /sys/kernel/tracing (it was missing)');
  reporter.warn(
    `agent running in ${flags.mode} mode (${agent.probe.source} probe) for ${containerIds ? `${containerIds.length} container(s)` : 'every container'}; SIGTERM stops it`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await agent.stop();
  await sinks.close();
  await toServer?.stop();
  reporter.stop();
}

/** Privilege drift: a running container holding more privilege than the policy allows (BH-RT-030). */
function privilegeCheck(policy: Policy, socket: string): (container: ContainerContext) => Promise<Detection[]> {
  return async (container) => {
    const { engineClient, privilegeDrift } = await import('../runtime/respond/index.js');
    const { containerFact } = await import('../runtime/inventory/index.js');
    const engine = engineClient(`unix://${socket}`);
    const inspect = await engine.getJson<Parameters<typeof containerFact>[0]>(`/containers/${container.ref.id}/json`);
    if (!inspect) return [];
    const image = inspect.Image ? await engine.getJson<NonNullable<Parameters<typeof containerFact>[1]>>(`/images/${inspect.Image}/json`) : undefined;
    const findings = privilegeDrift(containerFact(inspect, image), policy, container.uid !== undefined ? { uid: container.uid } : {});
    return findings.map((f) => ({
      type: 'privilege-drift' as const,
      rule: f.id,
      severity: f.severity as Severity,
      container,
      reason: `${f.title}${f.evidence?.['violations'] ? `: ${f.evidence['violations']}` : ''}${f.evidence?.['setting'] ? ` (policy ${f.evidence['setting']})` : ''}`,
      response: 'alert' as const,
      ...(f.evidence ? { details: f.evidence } : {}),
    }));
  };
}

/** Events, the host and its containers to the server; profile modes chosen there come back. */
async function serverReporter(
  ctx: CliContext,
  url: string,
  token: string | undefined,
  state: string,
  endpoint: import('../image/daemon-api.js').DaemonEndpoint,
  profiles: import('../runtime/profiles/index.js').ProfileStore,
  reporter: import('../progress.js').Reporter,
) {
  if (!/^https?:\/\/[^/]+/u.test(url)) throw new BulkheadError('USAGE', `--server "${url}": expected http(s)://HOST[:PORT]`);
  if (!token) throw new BulkheadError('USAGE', '--server needs --token (or $BULKHEAD_TOKEN): an API token of an operator user for this agent');
  const { startServerReporter } = await import('../runtime/report/index.js');
  const { inspectInventory } = await import('../runtime/index.js');
  const { hostname } = await import('node:os');
  return startServerReporter({
    url: url.replace(/\/+$/u, ''),
    token,
    spoolDir: state,
    hostName: hostname(),
    agentVersion: ctx.version,
    reporter,
    inventory: async () => (await inspectInventory(endpoint)).containers,
    onProfileMode: async (image, mode) => {
      if (await profiles.get(image)) await profiles.setMode(image, mode);
      else await profiles.create(image, mode, new Date());
      reporter.warn(`profile of image ${image} set to ${mode} from the server`);
    },
  });
}
