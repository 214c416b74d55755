/**
 * BH-RT-103: a fork bomb: at least `forks` forks in one container within `window`. The detection
 * names the most frequent forking process and lists every process seen forking or forked in the
 * window (`extraPids`), so the `kill` response takes the whole family at once; killing one leaves
 * its siblings forking. The container's first process is left out of `extraPids` unless it is the
 * bomb itself: it is usually the shell or supervisor that started it, and killing it stops the
 * container, which is what `stop` is for.
 *
 * One detection per burst: after alerting, the container re-arms once `window` passes without a fork.
 * Memory per container is bounded by `forks` entries.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detector } from './types.js';
import { durationMs } from './duration.js';

interface ForkRecord {
  timeMs: number;
  pid: number;
  childPid: number;
}

interface ContainerState {
  /** Ring of the last `forks` forks, oldest at `head`. */
  ring: ForkRecord[];
  head: number;
  lastTimeMs: number;
  alerted: boolean;
}

export function forkBombDetector(config: RuntimeConfig['detectors']['forkBomb']): Detector {
  const windowMs = durationMs(config.window);
  const containers = new Map<string, ContainerState>();
  return {
    name: 'fork-bomb',
    observe(o) {
      if (o.kind !== 'fork') return [];
      let state = containers.get(o.container.ref.id);
      if (state === undefined || o.timeMs - state.lastTimeMs >= windowMs) {
        state = { ring: [], head: 0, lastTimeMs: o.timeMs, alerted: false };
        containers.set(o.container.ref.id, state);
      }
      state.lastTimeMs = o.timeMs;
      if (state.alerted) return [];
      const record = { timeMs: o.timeMs, pid: o.pid, childPid: o.childPid };
      if (state.ring.length < config.forks) state.ring.push(record);
      else {
        state.ring[state.head] = record;
        state.head = (state.head + 1) % config.forks;
      }
      // The ring holds the last `forks` forks; the oldest of them decides whether they fit the window.
      const oldest = state.ring.length < config.forks ? undefined : state.ring[state.head]!;
      if (oldest === undefined || o.timeMs - oldest.timeMs > windowMs) return [];
      state.alerted = true;
      const forksBy = new Map<number, number>();
      const pids = new Set<number>();
      for (const r of state.ring) {
        forksBy.set(r.pid, (forksBy.get(r.pid) ?? 0) + 1);
        pids.add(r.pid);
        pids.add(r.childPid);
      }
      let top = o.pid;
      for (const [pid, n] of forksBy) if (n > (forksBy.get(top) ?? 0)) top = pid;
      const initPid = o.container.pid;
      const extraPids = [...pids].filter((pid) => pid !== top && pid !== initPid);
      return [
        {
          type: 'fork-bomb',
          rule: 'BH-RT-103',
          severity: 'critical',
          container: o.container,
          pid: top,
          extraPids,
          ...(top === o.pid && o.path !== '' ? { path: o.path } : {}),
          reason: `${config.forks} forks within ${config.window} in the container (${forksBy.get(top)} by pid ${top}): a fork bomb`,
          response: config.response,
          details: {
            forks: state.ring.length,
            window: config.window,
            processes: pids.size,
            topForker: top,
            topForkerForks: forksBy.get(top) ?? 0,
            spanMs: o.timeMs - oldest.timeMs,
          },
        },
      ];
    },
    forget(containerId) {
      containers.delete(containerId);
    },
  };
}
