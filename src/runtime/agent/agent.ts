/**
 * The runtime agent: one probe (bpftrace, or /proc polling where eBPF is unavailable) feeds drift
 * prevention, the behaviour profiles and the detectors; every finding becomes a RuntimeEvent, and in
 * protect mode the configured response is carried out. Events are processed in arrival order, one
 * at a time, so time windows (port scans, fork bombs) see them as the kernel did.
 *
 * Modes: learn records behaviour into profiles and only alerts; monitor alerts; protect responds
 * (kills drift at exec in the kernel, kills deviating processes, stops fork bombs...). The agent's
 * mode is a ceiling for every profile's own mode.
 */
import { statSync } from 'node:fs';
import type { Reporter } from '../../progress.js';
import type { RuntimeConfig } from '../config/schema.js';
import type { Detection, Detector } from '../detectors/types.js';
import type { ContainerContext, Observation } from '../events/observation.js';
import type { RuntimeAction, RuntimeEvent } from '../events/types.js';
import { startEventProbe } from '../probes/bpftrace.js';
import { ContainerLookup, type ContainerInfo } from '../probes/container-lookup.js';
import { driftEvent, driftReason, type ProcessFacts } from '../probes/drift.js';
import type { EventProbe, ExecProbeEvent, ProbeEvent } from '../probes/probe-event.js';
import type { EventProgramOptions } from '../probes/event-program.js';
import { Attribution } from './attribution.js';
import { cgroupProcesses, setFrozen } from './cgroup.js';
import { readCmdline, readExe } from './proc-facts.js';
import { detectionEvent } from './to-event.js';
import type { ProfileKeeper } from './profile-keeper.js';
import { existsSync } from 'node:fs';
import { ensureTracefs } from '../probes/bpftrace.js';
import { capabilityProbeKind, UsageRecorder } from '../usage/index.js';

export type AgentMode = 'learn' | 'monitor' | 'protect';

/** Container-level responses the agent delegates (Engine API). */
export interface ContainerResponder {
  pause(containerId: string): Promise<boolean>;
  stop(containerId: string): Promise<boolean>;
  replace(containerId: string): Promise<{ ok: boolean; reason: string }>;
}

export interface AgentOptions {
  mode: AgentMode;
  config: RuntimeConfig;
  reporter: Reporter;
  onEvent(event: RuntimeEvent): void;
  detectors: Detector[];
  profiles?: ProfileKeeper;
  responder?: ContainerResponder;
  dockerSocket?: string;
  /** The agent's whole scope (ids, id prefixes or names); every container when undefined. */
  containerIds?: readonly string[];
  /** Where events come from: bpftrace, /proc polling, or bpftrace with the fallback (default). */
  probe?: 'auto' | 'bpftrace' | 'procfs';
  /** Starts the /proc polling probe (injected so the fallback module loads only when needed). */
  startProcfs?: (onEvent: (e: ProbeEvent) => void) => Promise<EventProbe>;
  /**
   * Checks made once per container when the agent first sees it (privilege drift against the policy);
   * their detections are reported like any other.
   */
  checkContainer?: (container: ContainerContext) => Promise<Detection[]>;
  /** Milliseconds between ticks (time-based detectors, learning periods, profile saves). */
  tickMs?: number;
  /**
   * Records what containers of each image use (src/runtime/usage) into STATE_DIR/usage/; off when
   * undefined. `syscalls` also counts system calls (off by default: the busiest probe).
   */
  usage?: { stateDir: string; syscalls: boolean };
}

export interface Agent {
  probe: EventProbe;
  stop(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { reporter, mode } = options;
  const lookup = new ContainerLookup(options.dockerSocket);
  await lookup.refresh();
  const attribution = new Attribution(lookup, (e) => reporter.warn(`container refresh failed: ${String(e)}`));
  const inScope = (info: ContainerInfo): boolean =>
    !options.containerIds ||
    options.containerIds.some((w) => info.id === w || info.name === w || (w.length >= 12 && info.id.startsWith(w)));
  let probeSource: 'bpftrace' | 'procfs' = 'bpftrace';
  const protectDevices =
    mode === 'protect' && options.config.drift.response !== 'alert'
      ? lookup.containers().filter(inScope).flatMap((c) => (c.rootDevice === undefined ? [] : [c.rootDevice]))
      : [];

  // ---- responses ------------------------------------------------------------------------------
  const killProcess = (pid: number, containerId: string): boolean => {
    if (pid <= 1 || pid === process.pid || pid === process.ppid) return false;
    // the pid must still be in the container (never kill a reused pid on the host)
    if (attribution.table.get(pid)?.containerId !== containerId && !cgroupProcesses(pid).includes(pid)) return false;
    try {
      process.kill(pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  };

  const stopForkBomb = (detection: Detection): RuntimeAction => {
    const init = detection.container.pid;
    const frozen = setFrozen(init, true);
    try {
      const family = new Set([detection.pid ?? 0, ...(detection.extraPids ?? [])]);
      const bombComm = detection.pid ? attribution.table.get(detection.pid)?.comm : undefined;
      let killed = 0;
      for (const pid of cgroupProcesses(init)) {
        if (pid === init) continue;
        if (family.has(pid) || (bombComm !== undefined && attribution.table.get(pid)?.comm === bombComm)) {
          try {
            process.kill(pid, 'SIGKILL');
            killed++;
          } catch {
            // already gone
          }
        }
      }
      detection.details = { ...detection.details, killedProcesses: killed, frozenWhileKilling: frozen };
      return killed > 0 ? 'killed' : 'failed';
    } finally {
      if (frozen) setFrozen(init, false);
    }
  };

  const respond = async (detection: Detection): Promise<RuntimeAction> => {
    if (mode !== 'protect' || detection.response === 'alert') return 'alerted';
    const id = detection.container.ref.id;
    switch (detection.response) {
      case 'kill': {
        if (detection.type === 'fork-bomb') return stopForkBomb(detection);
        const pids = [detection.pid, ...(detection.extraPids ?? [])].filter((p): p is number => p !== undefined);
        if (pids.length === 0) return 'alerted';
        return pids.map((p) => killProcess(p, id)).some(Boolean) ? 'killed' : 'failed';
      }
      case 'pause':
        return (await options.responder?.pause(id)) ? 'paused' : 'failed';
      case 'stop':
        return (await options.responder?.stop(id)) ? 'stopped' : 'failed';
      case 'replace': {
        const result = await options.responder?.replace(id);
        detection.details = { ...detection.details, replace: result?.reason ?? 'no responder' };
        return result?.ok ? 'replaced' : 'failed';
      }
    }
  };

  const report = async (detection: Detection, known?: { path?: string; cmdline?: string[] }): Promise<void> => {
    // read the process before a response ends it
    const path = known?.path ?? (detection.pid ? readExe(detection.pid) : undefined);
    const cmdline = known?.cmdline ?? (detection.pid ? readCmdline(detection.pid) : undefined);
    const action = await respond(detection);
    options.onEvent(detectionEvent(detection, action, Date.now(), { ...(path ? { path } : {}), ...(cmdline ? { cmdline } : {}) }));
  };

  // ---- observations ---------------------------------------------------------------------------
  const observe = async (observation: Observation): Promise<void> => {
    for (const detector of options.detectors) {
      for (const detection of detector.observe(observation)) await report(detection);
    }
    if (options.profiles) {
      const deviation = options.profiles.observe(observation, mode);
      if (deviation) await report(deviation);
    }
  };

  /** Execs no container claimed yet (a container's first process), kept a few seconds for usage. */
  const unattributed: Array<{ event: ExecProbeEvent; exe: string; atMs: number }> = [];
  const handleExec = async (event: ExecProbeEvent): Promise<void> => {
    const info = await attribution.execContainer(event);
    if (!info) {
      // A container's first process execs before the engine lists the container: keep the exec
      // for the usage record until a refresh shows whose overlay it ran from.
      if (usage && !event.killedInKernel && Math.floor(event.device / 2 ** 20) === 0) {
        if (unattributed.length >= 256) unattributed.shift();
        unattributed.push({ event, exe: readExe(event.pid), atMs: Date.now() });
      }
      return;
    }
    if (!inScope(info)) return;
    const facts: ProcessFacts = {};
    const exe = readExe(event.pid);
    if (exe) facts.exeLink = exe;
    // runc's own re-exec while it sets a container up (it runs from a sealed memfd copy of itself,
    // /memfd:runc_cloned:...): the engine at work, not the container's workload
    if (event.comm.startsWith('runc:') || /^\/memfd:runc_cloned/.test(exe)) return;
    // what ran, for the image's usage record (a binary killed at exec never ran)
    if (!event.killedInKernel) usage?.exec(info, event.pid, event.filename, exe);
    // the kernel program answered for files on the container's own overlay; /proc polling cannot,
    // and files on other mounts are looked up in the writable layer
    const kernelKnows = probeSource === 'bpftrace' && event.device === info.rootDevice;
    if (!event.upperLayer && !kernelKnows && info.upperDir && event.filename.startsWith('/')) {
      facts.existsInUpperDir = existsSync(info.upperDir + event.filename);
    }
    const reason = driftReason(event, facts);
    if (reason) {
      const cmdline = readCmdline(event.pid);
      let action: RuntimeAction = 'alerted';
      if (event.killedInKernel) action = 'blocked-at-exec';
      else if (mode === 'protect' && options.config.drift.response !== 'alert') {
        action = killProcess(event.pid, info.id) ? 'killed' : 'failed';
      }
      const drift: RuntimeEvent = driftEvent(event, info, action as 'alerted', reason, cmdline);
      // both stamps are CLOCK_MONOTONIC: the kernel's at exec (or the poll that saw it) and ours now
      if (action === 'killed') drift.details = { execToKillMs: Number(process.hrtime.bigint() - event.monotonicNs) / 1e6, probe: probeSource };
      options.onEvent(drift);
      // drift is never learned, and a stopped process has nothing more to say
      if (action !== 'alerted' || mode === 'learn') return;
    }
    await observe(attribution.execObservation(event, info, Date.now()));
  };

  const handle = async (event: ProbeEvent): Promise<void> => {
    if (event.kind === 'exec') return handleExec(event);
    if (event.kind === 'usage-counts') return usage?.counts(event);
    const observation = await attribution.observe(event, Date.now());
    if (!observation) {
      // a process of a container the engine does not list yet (its entrypoint listening or
      // connecting in its first milliseconds): kept, and judged once the container is known
      const pending = event.kind === 'exit' ? undefined : attribution.pendingContainerOf(event.pid);
      if (pending && event.kind !== 'exit') {
        if (deferred.length >= 1024) deferred.shift();
        deferred.push({ event, containerId: pending, atMs: Date.now() });
      }
      return;
    }
    const info = lookup.byContainerId(observation.container.ref.id);
    if (!info || !inScope(info)) return;
    await observe(observation);
  };
  /** Events of processes whose container was not listed yet, with that container's id. */
  const deferred: Array<{ event: Exclude<ProbeEvent, ExecProbeEvent | { kind: 'usage-counts' } | { kind: 'exit' }>; containerId: string; atMs: number }> = [];
  const replayDeferred = async (nowMs: number): Promise<void> => {
    for (const item of deferred.splice(0)) {
      const info = attribution.knownContainer(item.containerId);
      if (!info) {
        if (nowMs - item.atMs < 15_000) deferred.push(item);
        continue;
      }
      if (!inScope(info)) continue;
      const observation = attribution.observationFor(item.event, info, item.atMs);
      if (observation) await observe(observation);
    }
  };

  // one event at a time, in order; a burst (fork bomb) queues instead of interleaving
  const queue: ProbeEvent[] = [];
  let pumping = false;
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const event = queue.shift()!;
        try {
          await handle(event);
        } catch (e) {
          reporter.warn(`runtime event of pid ${'pid' in event ? event.pid : '?'} not handled: ${String(e)}`);
        }
      }
    } finally {
      pumping = false;
    }
  };
  const enqueue = (event: ProbeEvent): void => {
    queue.push(event);
    void pump();
  };

  // ---- probe ----------------------------------------------------------------------------------
  const usageProbe = options.usage && options.probe !== 'procfs' ? usageProbeOptions(options) : undefined;
  // assigned once the probe is up (its source decides what the records can hold)
  let usage: UsageRecorder | undefined;
  const probe = await startProbe(options, protectDevices, enqueue, usageProbe);
  probeSource = probe.source;
  usage = options.usage
    ? new UsageRecorder({
        stateDir: options.usage.stateDir,
        reporter,
        // with /proc polling only executables and mapped libraries are seen
        sources: probe.source === 'bpftrace' && usageProbe
          ? { probe: 'bpftrace', syscalls: usageProbe.syscalls, capabilities: usageProbe.capabilities !== false, fileReads: usageProbe.fileReads }
          : { probe: 'procfs', syscalls: false, capabilities: false, fileReads: false },
      })
    : undefined;
  if (usage && usageProbe && usageProbe.capabilities === false && probe.source === 'bpftrace') {
    reporter.warn('usage: this kernel has neither the capability:cap_capable tracepoint nor kprobes; capabilities are not recorded');
  }

  // ---- ticks ----------------------------------------------------------------------------------
  let ticks = 0;
  const checked = new Set<string>();
  const tick = async (): Promise<void> => {
    ticks++;
    if (ticks % 5 === 0) {
      const before = new Set(lookup.containers().map((c) => c.id));
      await attribution.refresh();
      const now = new Set(lookup.containers().map((c) => c.id));
      for (const id of before) {
        if (now.has(id)) continue;
        attribution.table.forgetContainer(id);
        for (const detector of options.detectors) detector.forget?.(id);
      }
    }
    const contexts: ContainerContext[] = lookup.containers().filter(inScope).map((c) => attribution.context(c));
    if (options.checkContainer) {
      for (const context of contexts) {
        if (checked.has(context.ref.id)) continue;
        checked.add(context.ref.id);
        try {
          for (const detection of await options.checkContainer(context)) await report(detection);
        } catch (e) {
          reporter.warn(`container check of ${context.ref.name} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    const nowMs = Date.now();
    if (deferred.length) await replayDeferred(nowMs);
    for (const detector of options.detectors) {
      for (const detection of detector.tick?.(nowMs, contexts) ?? []) await report(detection);
    }
    options.profiles?.tick(nowMs);
    if (usage && unattributed.length) {
      for (const u of unattributed.splice(0)) {
        const info = lookup.byRootDevice(u.event.device);
        if (info) {
          if (inScope(info) && !u.event.comm.startsWith('runc:') && !/^\/memfd:runc_cloned/.test(u.exe)) usage.exec(info, u.event.pid, u.event.filename, u.exe, nowMs);
        } else if (nowMs - u.atMs < 15_000) unattributed.push(u);
      }
    }
    await usage?.tick(lookup.containers().filter(inScope), nowMs);
  };
  let ticking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(tick).catch((e: unknown) => reporter.warn(`agent tick failed: ${String(e)}`));
  }, options.tickMs ?? 1000);
  ticking = ticking.then(tick).catch((e: unknown) => reporter.warn(`agent tick failed: ${String(e)}`));

  return {
    probe,
    stop: async () => {
      clearInterval(timer);
      await probe.stop();
      await ticking;
      while (pumping || queue.length > 0) await new Promise((r) => setTimeout(r, 10));
      await options.profiles?.flush();
      await usage?.flush();
    },
  };
}

/** What the bpftrace program counts for usage records; tracefs is mounted first to see what the kernel offers. */
function usageProbeOptions(options: AgentOptions): NonNullable<EventProgramOptions['usage']> {
  let capabilities: 'tracepoint' | 'kprobe' | false = false;
  try {
    ensureTracefs(options.reporter);
    capabilities = capabilityProbeKind();
  } catch {
    // the probe itself reports a missing tracefs
  }
  return { fileReads: true, capabilities, syscalls: options.usage?.syscalls ?? false };
}

async function startProbe(
  options: AgentOptions,
  protectDevices: number[],
  onEvent: (e: ProbeEvent) => void,
  usage?: EventProgramOptions['usage'],
): Promise<EventProbe> {
  const wanted = options.probe ?? 'auto';
  if (wanted !== 'procfs') {
    try {
      return await startEventProbe({
        mode: options.mode === 'protect' ? 'protect' : 'monitor',
        protectDevices,
        hostMountNamespace: statSync('/proc/self/ns/mnt').ino,
        ...(usage ? { usage } : {}),
        reporter: options.reporter,
        onEvent,
      });
    } catch (e) {
      if (wanted === 'bpftrace' || !options.startProcfs) throw e;
      options.reporter.warn(
        `eBPF probe unavailable (${e instanceof Error ? e.message : String(e)}); falling back to /proc polling: ` +
          'drift is killed after it starts (never blocked at exec), and very short-lived processes or connections can be missed',
      );
    }
  } else if (!options.startProcfs) {
    throw new Error('the /proc probe was asked for but not provided');
  } else {
    options.reporter.warn('using /proc polling instead of eBPF (--probe procfs): drift is killed after it starts, short-lived processes can be missed');
  }
  return options.startProcfs!(onEvent);
}
