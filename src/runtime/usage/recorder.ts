/**
 * The usage recorder: turns what the agent sees into per-image usage records (types.ts). Executables
 * come from exec events; shared objects from sampling /proc/PID/maps once per exec (a second after it,
 * when the dynamic loader is done) and again every minute for long-lived processes (dlopen); files
 * read, capabilities and system calls from the in-kernel counts of usage-program.ts, attributed
 * through the task's mount namespace, which every process of a container shares (docker exec joins
 * it). Counts are kept per image in memory and merged into the store every few seconds and at stop.
 */
import { readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Reporter } from '../../progress.js';
import { cgroupProcesses } from '../agent/cgroup.js';
import type { ContainerInfo } from '../probes/container-lookup.js';
import { capabilityName } from './capability-names.js';
import { mergeUsage, type UsageDelta } from './merge.js';
import { NOT_IMAGE_FILES, readMappedFiles } from './proc-maps.js';
import { readUsage, saveUsage } from './store.js';
import { X86_64_SYSCALLS } from './syscall-names.js';
import type { UsageRecord } from './types.js';
import type { UsageCounts } from './usage-program.js';

export interface UsageRecorderOptions {
  stateDir: string;
  sources: UsageRecord['sources'];
  reporter: Reporter;
  /** Milliseconds between writes of the store (default 5000). */
  flushMs?: number;
}

/** bpftrace's default string size is 64 bytes with the NUL: a 63-character path may be cut short. */
const KERNEL_STRING_MAX = 63;
const SAMPLE_AFTER_EXEC_MS = 1000;
const RESAMPLE_MS = 60_000;
/** How long in-kernel counts of a not-yet-known mount namespace are kept. */
const PENDING_COUNTS_MS = 30_000;
const SHARED_OBJECT = /\.so(\.[\d.]+)?$|\.so\./;

interface Sample {
  containerId: string;
  exe: string;
  dueMs: number;
}

export class UsageRecorder {
  private readonly deltas = new Map<string, UsageDelta>();
  private readonly records = new Map<string, UsageRecord>();
  private readonly byMountNs = new Map<number, ContainerInfo>();
  private readonly containers = new Map<string, ContainerInfo>();
  private readonly samples = new Map<number, Sample>();
  private lastTickMs: number | undefined;
  private lastFlushMs = 0;
  private dropped = 0;

  constructor(private readonly options: UsageRecorderOptions) {}

  /** A process of `info` ran `filename` (resolved binary `exe` when known). */
  exec(info: ContainerInfo, pid: number, filename: string, exe: string, nowMs = Date.now()): void {
    const delta = this.delta(info, nowMs);
    if (!delta) return;
    this.mountNamespaceOf(pid, info);
    add(delta.executables, filename);
    if (exe && exe !== filename) add(delta.executables, exe);
    this.samples.set(pid, { containerId: info.id, exe, dueMs: nowMs + SAMPLE_AFTER_EXEC_MS });
  }

  /** One interval of in-kernel counts. */
  counts(counts: UsageCounts, nowMs = Date.now(), replay = false): void {
    // Counts of a mount namespace no container is known for yet (a container started since the last
    // refresh) wait, up to PENDING_COUNTS_MS, for the tick that learns it.
    const unknown = new Set<number>();
    const target = (mntns: number): UsageDelta | undefined => {
      const info = this.byMountNs.get(mntns);
      if (!info) unknown.add(mntns);
      return info ? this.delta(info, nowMs) : undefined;
    };
    const file = (delta: UsageDelta, path: string, n: number): void => {
      if (path.length >= KERNEL_STRING_MAX) {
        this.dropped++;
        return;
      }
      if (NOT_IMAGE_FILES.test(path)) return;
      add(SHARED_OBJECT.test(path) ? delta.libraries : delta.filesRead, posix.normalize(path), n);
    };
    for (const r of counts.reads) {
      const delta = target(r.mntns);
      if (delta && r.path.startsWith('/')) file(delta, r.path, r.count);
    }
    for (const r of counts.relativeReads) {
      const delta = target(r.mntns);
      if (!delta || r.path.length >= KERNEL_STRING_MAX || !r.path) continue;
      // resolved only while the process lives; a relative open of a process already gone is dropped
      let cwd: string;
      try {
        cwd = readlinkSync(`/proc/${r.pid}/cwd`);
      } catch {
        continue;
      }
      if (cwd.startsWith('/')) file(delta, posix.resolve(cwd, r.path), r.count);
    }
    for (const c of counts.capabilities) {
      const delta = target(c.mntns);
      if (delta) add(delta.capabilities, capabilityName(c.cap), c.count);
    }
    for (const s of counts.syscalls) {
      const delta = target(s.mntns);
      if (delta) add((delta.syscalls ??= {}), X86_64_SYSCALLS[s.id] ?? `syscall_${s.id}`, s.count);
    }
    if (unknown.size > 0 && !replay) {
      const only = (list: Array<{ mntns: number }>) => list.filter((e) => unknown.has(e.mntns));
      const waiting: UsageCounts = { reads: only(counts.reads), relativeReads: only(counts.relativeReads), capabilities: only(counts.capabilities), syscalls: only(counts.syscalls) } as UsageCounts;
      if (this.pendingCounts.length >= 64) this.pendingCounts.shift();
      this.pendingCounts.push({ counts: waiting, atMs: nowMs });
    }
  }

  /** Counts that waited for their mount namespace (see counts()). */
  private readonly pendingCounts: Array<{ counts: UsageCounts; atMs: number }> = [];

  private replayPendingCounts(nowMs: number): void {
    const waiting = this.pendingCounts.splice(0);
    for (const entry of waiting) {
      const known = (e: { mntns: number }) => this.byMountNs.has(e.mntns);
      const ready: UsageCounts = { reads: entry.counts.reads.filter(known), relativeReads: entry.counts.relativeReads.filter(known), capabilities: entry.counts.capabilities.filter(known), syscalls: entry.counts.syscalls.filter(known) } as UsageCounts;
      this.counts(ready, nowMs, true);
      const rest: UsageCounts = { reads: entry.counts.reads.filter((e) => !known(e)), relativeReads: entry.counts.relativeReads.filter((e) => !known(e)), capabilities: entry.counts.capabilities.filter((e) => !known(e)), syscalls: entry.counts.syscalls.filter((e) => !known(e)) } as UsageCounts;
      const left = rest.reads.length + rest.relativeReads.length + rest.capabilities.length + rest.syscalls.length;
      if (left > 0 && nowMs - entry.atMs < PENDING_COUNTS_MS) this.pendingCounts.push({ counts: rest, atMs: entry.atMs });
    }
  }

  /**
   * Once a second: the running containers in scope (observation time, mount namespaces, processes
   * already running when a container is first seen), maps sampling, and a store write when due.
   */
  async tick(running: ContainerInfo[], nowMs = Date.now()): Promise<void> {
    const elapsed = this.lastTickMs === undefined ? 0 : Math.min(nowMs - this.lastTickMs, 5000) / 1000;
    this.lastTickMs = nowMs;
    const images = new Set<string>();
    for (const info of running) {
      const delta = this.delta(info, nowMs);
      if (!delta) continue;
      if (!this.containers.has(info.id)) {
        this.containers.set(info.id, info);
        this.mountNamespaceOf(info.pid, info);
        for (const pid of cgroupProcesses(info.pid)) if (!this.samples.has(pid)) this.samples.set(pid, { containerId: info.id, exe: '', dueMs: nowMs });
      }
      const key = delta.imageId;
      // the union of running intervals: an image counts once per tick however many containers run
      if (!images.has(key)) {
        images.add(key);
        delta.observedSeconds += elapsed;
      }
    }
    if (this.pendingCounts.length) this.replayPendingCounts(nowMs);
    const live = new Set(running.map((c) => c.id));
    for (const [id] of this.containers) if (!live.has(id)) this.containers.delete(id);
    for (const [ns, info] of this.byMountNs) if (!live.has(info.id)) this.byMountNs.delete(ns);
    this.sampleMaps(nowMs);
    if (nowMs - this.lastFlushMs >= (this.options.flushMs ?? 5000)) await this.flush(nowMs);
  }

  /** Writes every image's gathered usage into the store. */
  flush(nowMs = Date.now()): Promise<void> {
    // one flush at a time: two overlapping read-merge-write cycles (a periodic one and the one at
    // shutdown) would each start from the same stored record and the later write would drop the
    // earlier one's counts
    this.flushing = this.flushing.then(() => this.flushNow(nowMs));
    return this.flushing;
  }

  private flushing: Promise<void> = Promise.resolve();

  private async flushNow(nowMs: number): Promise<void> {
    this.lastFlushMs = nowMs;
    if (this.pendingCounts.length) this.replayPendingCounts(nowMs);
    const pending = [...this.deltas.values()];
    this.deltas.clear();
    for (const delta of pending) {
      try {
        const base = this.records.get(delta.imageId) ?? (await readUsage(this.options.stateDir, delta.imageId));
        const merged = mergeUsage(base, delta);
        await saveUsage(this.options.stateDir, merged);
        this.records.set(delta.imageId, merged);
      } catch (e) {
        this.options.reporter.warn(`usage of image ${delta.image} not saved: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (this.dropped > 0) {
      this.options.reporter.debug(`usage: ${this.dropped} path(s) of ${KERNEL_STRING_MAX}+ characters left out (bpftrace string size)`);
      this.dropped = 0;
    }
  }

  private sampleMaps(nowMs: number): void {
    for (const [pid, sample] of this.samples) {
      if (sample.dueMs > nowMs) continue;
      const info = this.containers.get(sample.containerId);
      let exe = sample.exe;
      if (!exe) {
        try {
          exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
        } catch {
          exe = '';
        }
      }
      const mapped = info ? readMappedFiles(pid, exe) : undefined;
      if (!info || !mapped) {
        this.samples.delete(pid);
        continue;
      }
      const delta = this.delta(info, nowMs);
      if (delta) {
        for (const l of mapped.libraries) add(delta.libraries, l);
        for (const d of mapped.data) add(delta.filesRead, d);
      }
      this.samples.set(pid, { ...sample, exe, dueMs: nowMs + RESAMPLE_MS });
    }
  }

  private mountNamespaceOf(pid: number, info: ContainerInfo): void {
    try {
      const ns = statSync(`/proc/${pid}/ns/mnt`).ino;
      if (!this.byMountNs.has(ns)) this.byMountNs.set(ns, info);
    } catch {
      // gone
    }
  }

  private delta(info: ContainerInfo, nowMs: number): UsageDelta | undefined {
    const imageId = info.imageId ?? info.imageDigest;
    if (!/^sha256:[0-9a-f]{64}$/.test(imageId)) return undefined;
    const now = new Date(nowMs).toISOString();
    let delta = this.deltas.get(imageId);
    if (!delta) {
      delta = {
        image: info.image,
        imageId,
        ...(info.repoDigests?.length ? { repoDigests: info.repoDigests } : {}),
        firstSeen: now,
        lastSeen: now,
        observedSeconds: 0,
        containers: [],
        executables: {},
        libraries: {},
        filesRead: {},
        capabilities: {},
        ...(this.options.sources.syscalls ? { syscalls: {} } : {}),
        sources: this.options.sources,
      };
      this.deltas.set(imageId, delta);
    }
    delta.lastSeen = now;
    const container = delta.containers.find((c) => c.id === info.id);
    if (container) container.lastSeen = now;
    else delta.containers.push({ id: info.id, name: info.name, firstSeen: now, lastSeen: now });
    return delta;
  }
}

function add(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}
