/**
 * Attribution: which container a probe event belongs to, and the Observation detectors and profiles
 * read. Container identity comes from the overlay device (exec, even when the kernel already killed
 * the process) or /proc/PID/cgroup, cached per pid in the ProcessTable; details come from the Engine
 * API through ContainerLookup, refreshed when an unknown container shows up.
 */
import { imageNameOf, type ContainerInfo, type ContainerLookup } from '../probes/container-lookup.js';
import type { ProbeEvent, ExecProbeEvent, UsageCountsProbeEvent } from '../probes/probe-event.js';
import type { ContainerContext, Observation } from '../events/observation.js';
import { containerIdFromCgroup } from '../probes/container-lookup.js';
import { ProcessTable } from './process-table.js';
import { absolutePath, hasTty, readCmdline, readExe } from './proc-facts.js';
import { readFileSync } from 'node:fs';

/** Paths no profile or detector cares about: kernel interfaces and devices every program writes. */
const IGNORED_WRITES = /^\/(dev|proc|sys)(\/|$)/;

export class Attribution {
  readonly table = new ProcessTable();
  private readonly contexts = new Map<string, ContainerContext>();
  private refreshing: Promise<void> | undefined;
  private pendingRefreshMs = 0;
  /** Anonymous devices an exec came from that a refresh did not attribute, and when to ask again. */
  private readonly deviceRetry = new Map<number, { atMs: number; delayMs: number }>();

  constructor(
    private readonly lookup: ContainerLookup,
    private readonly onRefreshError: (e: unknown) => void,
  ) {}

  /** Reloads containers from the Engine (one refresh at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= this.lookup
      .refresh()
      .then(() => this.contexts.clear())
      .catch(this.onRefreshError)
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  context(info: ContainerInfo): ContainerContext {
    let ctx = this.contexts.get(info.id);
    if (!ctx) {
      ctx = {
        ref: { id: info.id, name: info.name, image: info.image, imageDigest: info.imageDigest },
        imageName: imageNameOf(info.image),
        user: info.user,
        pid: info.pid,
        startedAt: info.startedAt,
        labels: info.labels,
      };
      if (info.uid !== undefined) ctx.uid = info.uid;
      this.contexts.set(info.id, ctx);
    }
    return ctx;
  }

  /** Running containers known to the Engine. */
  containers(): ContainerInfo[] {
    return this.lookup.containers();
  }

  /** The container of an exec: by overlay device first (works for a process already gone). */
  async execContainer(event: ExecProbeEvent): Promise<ContainerInfo | undefined> {
    const find = (): ContainerInfo | undefined => this.lookup.byRootDevice(event.device) ?? this.byPid(event.pid);
    let info = find();
    // A container started since the last refresh: its own overlay (an anonymous device, major 0)
    // is new to us. Short-lived processes are gone before /proc/PID/cgroup can be read, so a new
    // anonymous device alone triggers one refresh (once per device: host tmpfs mounts are major 0 too).
    const now = Date.now();
    const anonymous = Math.floor(event.device / 2 ** 20) === 0;
    const retry = anonymous ? this.deviceRetry.get(event.device) : undefined;
    const newOverlay = anonymous && (retry === undefined || retry.atMs <= now);
    const cgroupId = info ? undefined : this.containerIdOf(event.pid);
    if (!info && (event.upperLayer || newOverlay || cgroupId)) {
      await this.refresh();
      info = find();
      if (newOverlay && !info) {
        // not (yet) a container's: the engine may not show a container whose first process is
        // starting; ask again later, backing off (host tmpfs mounts are anonymous devices too)
        const delayMs = Math.min((retry?.delayMs ?? 125) * 2, 60_000);
        if (this.deviceRetry.size > 4096) this.deviceRetry.clear();
        this.deviceRetry.set(event.device, { atMs: now + delayMs, delayMs });
      }
    }
    if (info && retry) this.deviceRetry.delete(event.device);
    this.table.set(event.pid, {
      containerId: info?.id ?? '',
      path: info || cgroupId ? readExe(event.pid) || event.filename : '',
      comm: event.comm,
      ...(!info && cgroupId ? { pendingContainerId: cgroupId } : {}),
    });
    return info;
  }

  /** Observation for an exec already attributed to `info`. */
  execObservation(event: ExecProbeEvent, info: ContainerInfo, nowMs: number): Observation {
    let parent = this.table.get(event.ppid);
    if (parent?.pendingContainerId === info.id) {
      // the parent started before its container was listed: it is known now
      parent = { containerId: info.id, path: parent.path, comm: parent.comm };
      this.table.set(event.ppid, parent);
    }
    const entry = this.table.get(event.pid);
    return {
      kind: 'exec',
      timeMs: nowMs,
      container: this.context(info),
      pid: event.pid,
      path: entry?.path || event.filename,
      comm: event.comm,
      ppid: event.ppid,
      parentPath: parent && parent.containerId === info.id ? parent.path : '',
      cmdline: readCmdline(event.pid),
      tty: hasTty(event.pid),
      uid: event.uid,
    };
  }

  /** Observation for any other probe event; undefined for host processes, runc's own work and exits. */
  async observe(event: Exclude<ProbeEvent, ExecProbeEvent | UsageCountsProbeEvent>, nowMs: number): Promise<Observation | undefined> {
    if (event.kind === 'exit') {
      this.table.delete(event.pid);
      return undefined;
    }
    const info = await this.processContainer(event.pid, event.comm);
    if (!info) return undefined;
    return this.observationFor(event, info, nowMs);
  }

  /** The container id of a process whose container the engine did not list yet, if so. */
  pendingContainerOf(pid: number): string | undefined {
    return this.table.get(pid)?.pendingContainerId;
  }

  /** A container the lookup knows by id (after a refresh). */
  knownContainer(id: string): ContainerInfo | undefined {
    return this.lookup.byContainerId(id);
  }

  /** The observation of a (non-exec) event already attributed to `info`. */
  observationFor(event: Exclude<ProbeEvent, ExecProbeEvent | UsageCountsProbeEvent | { kind: 'exit' }>, info: ContainerInfo, nowMs: number): Observation | undefined {
    const container = this.context(info);
    const entry = this.table.get(event.pid);
    const base = { timeMs: nowMs, container, pid: event.pid, path: entry?.path ?? '', comm: event.comm };
    switch (event.kind) {
      case 'fork':
        this.table.set(event.childPid, { containerId: info.id, path: entry?.path ?? '', comm: event.comm });
        return { ...base, kind: 'fork', childPid: event.childPid };
      case 'connect':
      case 'listen':
        return { ...base, kind: event.kind, family: event.family, address: event.address, port: event.port, protocol: event.protocol };
      case 'write': {
        // runc's setup of the container writes to its own pipes and /proc before the entrypoint runs
        if (event.comm.startsWith('runc:')) return undefined;
        const file = absolutePath(event.pid, event.file);
        if (IGNORED_WRITES.test(file)) return undefined;
        return { ...base, kind: 'write', file, chmodExec: event.chmodExec };
      }
      case 'setuid':
        return { ...base, kind: 'setuid', fromUid: event.fromUid, toUid: event.toUid };
      case 'ptrace':
        return { ...base, kind: 'ptrace', targetPid: event.targetPid, request: event.request };
    }
  }

  private async processContainer(pid: number, comm: string): Promise<ContainerInfo | undefined> {
    const entry = this.table.get(pid);
    if (entry?.pendingContainerId) {
      // its container was not listed yet when the process started: ask the engine again
      let pending = this.lookup.byContainerId(entry.pendingContainerId);
      // at most twice a second: a process of a container the engine never lists (another runtime's)
      // must not turn every event into an engine round trip
      if (!pending && Date.now() - this.pendingRefreshMs >= 500) {
        this.pendingRefreshMs = Date.now();
        await this.refresh();
        pending = this.lookup.byContainerId(entry.pendingContainerId);
      }
      if (pending) this.table.set(pid, { containerId: pending.id, path: readExe(pid) || entry.path, comm: entry.comm });
      return pending;
    }
    if (entry) return entry.containerId ? this.lookup.byContainerId(entry.containerId) : undefined;
    const id = this.containerIdOf(pid);
    let info = id ? this.lookup.byContainerId(id) : undefined;
    if (id && !info) {
      await this.refresh();
      info = this.lookup.byContainerId(id);
    }
    this.table.set(pid, { containerId: info?.id ?? '', path: info ? readExe(pid) : '', comm, ...(!info && id ? { pendingContainerId: id } : {}) });
    return info;
  }

  private byPid(pid: number): ContainerInfo | undefined {
    const id = this.containerIdOf(pid);
    return id ? this.lookup.byContainerId(id) : undefined;
  }

  private containerIdOf(pid: number): string | undefined {
    try {
      return containerIdFromCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    } catch {
      return undefined;
    }
  }
}
