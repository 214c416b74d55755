/**
 * The /proc polling fallback of the runtime agent, for hosts where the bpftrace probe cannot run (no
 * bpftrace, no BPF privilege, no tracepoints). Every `intervalMs` it lists /proc and compares with the
 * previous poll:
 * - a new pid, or a pid whose start time (stat field 22) changed (the pid was reused), is a new
 *   process: a `fork` event when its parent is watched too, and an `exec` event unless it still runs
 *   its parent's program under its parent's name (a fork that has not exec'd yet);
 * - a watched pid whose executable link or name changed has exec'd: an `exec` event;
 * - a watched pid that is gone: an `exit` event;
 * - new sockets of watched processes: `listen` and `connect` events (net-watch.ts).
 * Only processes `isInteresting` accepts are watched (by default those in a container's cgroup); the
 * cgroup file is read once per process, and again when its name changes, because `docker exec`
 * creates the process outside the container and moves it in before the exec that renames it.
 * Polling sees only what outlives an interval: a process that starts and ends between two polls,
 * or a connection shorter than one, is missed. The first poll is the baseline and reports nothing.
 */
import { BulkheadError } from '../../errors.js';
import type { Reporter } from '../../progress.js';
import { kernelDevFromStat } from '../probes/exec-program.js';
import { containerIdFromCgroup } from '../probes/index.js';
import type { EventProbe, ProbeEvent } from '../probes/probe-event.js';
import { NetWatch, type WatchedProcess } from './net-watch.js';
import { parseProcStat, parseStatusRealUid, type ProcStat } from './proc-stat.js';
import { listProcDir, readProcLink, readProcText, statDevice, type ProcErrorHandler } from './proc-read.js';

export interface ProcfsProbeOptions {
  onEvent(event: ProbeEvent): void;
  reporter: Reporter;
  /** Milliseconds between polls; 100 by default. */
  intervalMs?: number;
  /** Which processes to watch, from their /proc/PID/cgroup text; containers' processes by default. */
  isInteresting?(pid: number, cgroupText: string): boolean;
  /** Where procfs is mounted (tests). */
  procRoot?: string;
}

interface Tracked {
  startTime: number;
  comm: string;
  ppid: number;
  watched: boolean;
  /** Executable link and network namespace, kept for watched processes only. */
  exe?: string;
  netns?: string;
}

/** Docker, containerd (CRI) and Podman containers, recognised by their cgroup path. */
export function inContainerCgroup(_pid: number, cgroupText: string): boolean {
  return containerIdFromCgroup(cgroupText) !== undefined;
}

const DELETED_SUFFIX = ' (deleted)';

export async function startProcfsProbe(options: ProcfsProbeOptions): Promise<EventProbe> {
  const root = options.procRoot ?? '/proc';
  const intervalMs = options.intervalMs ?? 100;
  const isInteresting = options.isInteresting ?? inContainerCgroup;
  const warned = new Set<string>();
  const onError: ProcErrorHandler = (path, error) => {
    const key = error.code ?? error.message;
    if (warned.has(key)) return;
    warned.add(key);
    options.reporter.warn(`procfs probe: cannot read ${path}: ${error.message}`, { code: error.code });
  };
  if (listProcDir(root, () => {}) === undefined) {
    throw new BulkheadError('INPUT_NOT_FOUND', `procfs probe: cannot list ${root} (is procfs mounted?)`, { input: root });
  }

  const tracked = new Map<number, Tracked>();
  const net = new NetWatch(root, onError);
  const emit = (event: ProbeEvent): void => {
    try {
      options.onEvent(event);
    } catch (e) {
      options.reporter.warn(`procfs probe: event handler failed: ${(e as Error).message}`);
    }
  };

  const readExe = (pid: number): string | undefined => {
    const link = readProcLink(`${root}/${pid}/exe`, onError);
    return link?.endsWith(DELETED_SUFFIX) ? link.slice(0, -DELETED_SUFFIX.length) : link;
  };

  const execEvent = (pid: number, t: Tracked): void => {
    if (t.exe === undefined) return;
    const uid = parseStatusRealUid(readProcText(`${root}/${pid}/status`, onError) ?? '');
    const dev = statDevice(`${root}/${pid}/exe`, onError);
    if (uid === undefined) return; // ended while being read
    emit({
      kind: 'exec',
      monotonicNs: process.hrtime.bigint(),
      pid,
      ppid: t.ppid,
      killedInKernel: false,
      upperLayer: false,
      lowerLayers: 0,
      device: dev === undefined ? 0 : kernelDevFromStat(dev),
      cgroupId: 0n,
      uid,
      comm: t.comm,
      filename: t.exe,
    });
  };

  /** Reads the cgroup and, for a watched process, its executable and network namespace. */
  const classify = (pid: number, t: Tracked): void => {
    const cgroup = readProcText(`${root}/${pid}/cgroup`, onError);
    t.watched = cgroup !== undefined && isInteresting(pid, cgroup);
    if (!t.watched) return;
    t.exe = readExe(pid);
    t.netns = readProcLink(`${root}/${pid}/ns/net`, onError);
  };

  const poll = (report: boolean): void => {
    const names = listProcDir(root, onError) ?? [];
    const present = new Set<number>();
    const newcomers: ProcStat[] = [];
    for (const name of names) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      const stat = parseProcStat(readProcText(`${root}/${pid}/stat`, onError) ?? '');
      if (!stat) continue;
      present.add(pid);
      const known = tracked.get(pid);
      if (known && known.startTime === stat.startTime) {
        const renamed = known.comm !== stat.comm;
        known.comm = stat.comm;
        known.ppid = stat.ppid; // re-parented to a subreaper when its parent ended
        if (known.watched) {
          const exe = readExe(pid);
          // busybox applets share one executable, so a changed name also counts as an exec.
          if (exe !== undefined && (exe !== known.exe || renamed)) {
            known.exe = exe;
            if (report) execEvent(pid, known);
          }
        } else if (renamed) {
          classify(pid, known);
          if (known.watched && report) execEvent(pid, known);
        }
        continue;
      }
      if (known) {
        tracked.delete(pid);
        if (known.watched && report) emit({ kind: 'exit', pid });
      }
      newcomers.push(stat);
    }
    for (const [pid, t] of tracked) {
      if (present.has(pid)) continue;
      tracked.delete(pid);
      if (t.watched && report) emit({ kind: 'exit', pid });
    }
    // Oldest first, so a parent new in this poll is known before its children.
    newcomers.sort((a, b) => a.startTime - b.startTime || a.pid - b.pid);
    for (const stat of newcomers) {
      const t: Tracked = { startTime: stat.startTime, comm: stat.comm, ppid: stat.ppid, watched: false };
      classify(stat.pid, t);
      tracked.set(stat.pid, t);
      if (!t.watched || !report) continue;
      const parent = tracked.get(stat.ppid);
      if (parent?.watched) emit({ kind: 'fork', pid: stat.ppid, childPid: stat.pid, comm: parent.comm });
      const sameProgram = parent?.watched && parent.exe === t.exe && parent.comm === t.comm;
      if (!sameProgram) execEvent(stat.pid, t);
    }
    const watched = new Map<number, WatchedProcess>();
    for (const [pid, t] of tracked) {
      if (t.watched && t.netns !== undefined) watched.set(pid, { comm: t.comm, netns: t.netns });
    }
    const netEvents = net.poll(watched);
    if (report) for (const e of netEvents) emit(e);
  };

  poll(false);
  options.reporter.debug('procfs probe started', { procRoot: root, intervalMs, watched: countWatched(tracked) });

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    timer = setTimeout(() => {
      if (stopped) return;
      try {
        poll(true);
      } catch (e) {
        options.reporter.warn(`procfs probe: poll failed: ${(e as Error).message}`);
      }
      schedule();
    }, intervalMs);
  };
  schedule();

  return {
    source: 'procfs',
    mountedTracefs: false,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function countWatched(tracked: Map<number, Tracked>): number {
  let n = 0;
  for (const t of tracked.values()) if (t.watched) n++;
  return n;
}
