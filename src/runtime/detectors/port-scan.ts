/**
 * BH-RT-102: a port or host scan from inside a container: within `window`, one process family
 * connects to at least `ports` distinct destination ports (over any hosts) or `hosts` distinct
 * hosts. A family is the processes of one container sharing a command name (`comm`): a scanner's
 * threads, or the many short `nc` processes of a shell loop, add up; unrelated programs of the
 * container do not.
 *
 * One detection per burst: after alerting, the family stays quiet until `window` passes with no
 * connection at all, then re-arms. Memory is bounded: distinct ports and hosts are kept in
 * last-seen order and the oldest fall out of the window (or past a cap) first; families per
 * container are capped too.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detector } from './types.js';
import { durationMs } from './duration.js';

const MAX_FAMILIES_PER_CONTAINER = 256;
const MAX_PIDS = 64;
const PORT_SAMPLE = 10;

interface FamilyState {
  /** port -> last time seen; Map order is last-seen order (entries are re-inserted on use). */
  ports: Map<number, number>;
  hosts: Map<string, number>;
  pids: Set<number>;
  firstPort: number;
  lastTimeMs: number;
  alerted: boolean;
}

function touch<K>(map: Map<K, number>, key: K, timeMs: number, cap: number): void {
  map.delete(key);
  map.set(key, timeMs);
  if (map.size > cap) map.delete(map.keys().next().value!);
}

function expire<K>(map: Map<K, number>, oldestMs: number): void {
  for (const [key, seenMs] of map) {
    if (seenMs >= oldestMs) break;
    map.delete(key);
  }
}

export function portScanDetector(config: RuntimeConfig['detectors']['portScan']): Detector {
  const windowMs = durationMs(config.window);
  // Past the thresholds the counts only feed the details, so a little headroom is enough.
  const portCap = config.ports * 2;
  const hostCap = config.hosts * 2;
  const containers = new Map<string, Map<string, FamilyState>>();
  return {
    name: 'port-scan',
    observe(o) {
      if (o.kind !== 'connect') return [];
      let families = containers.get(o.container.ref.id);
      if (families === undefined) containers.set(o.container.ref.id, (families = new Map()));
      let state = families.get(o.comm);
      if (state === undefined || o.timeMs - state.lastTimeMs >= windowMs) {
        // New family, or a quiet window has passed: start counting afresh (this re-arms).
        state = { ports: new Map(), hosts: new Map(), pids: new Set(), firstPort: o.port, lastTimeMs: o.timeMs, alerted: false };
      }
      families.delete(o.comm);
      families.set(o.comm, state);
      if (families.size > MAX_FAMILIES_PER_CONTAINER) families.delete(families.keys().next().value!);
      state.lastTimeMs = o.timeMs;
      if (state.alerted) return [];
      const oldestMs = o.timeMs - windowMs;
      expire(state.ports, oldestMs);
      expire(state.hosts, oldestMs);
      touch(state.ports, o.port, o.timeMs, portCap);
      touch(state.hosts, o.address, o.timeMs, hostCap);
      if (state.pids.size < MAX_PIDS) state.pids.add(o.pid);
      if (state.ports.size < config.ports && state.hosts.size < config.hosts) return [];
      state.alerted = true;
      const ports = [...state.ports.keys()];
      const byPorts = state.ports.size >= config.ports;
      const what = byPorts
        ? `${state.ports.size} distinct ports on ${state.hosts.size} host(s)`
        : `${state.hosts.size} distinct hosts`;
      const extraPids = [...state.pids].filter((pid) => pid !== o.pid);
      return [
        {
          type: 'port-scan',
          rule: 'BH-RT-102',
          severity: 'high',
          container: o.container,
          pid: o.pid,
          ...(extraPids.length > 0 ? { extraPids } : {}),
          path: o.path,
          reason: `${o.comm} connected to ${what} within ${config.window}: a network scan from the container`,
          response: config.response,
          details: {
            distinctPorts: state.ports.size,
            distinctHosts: state.hosts.size,
            firstPort: state.firstPort,
            lastPort: o.port,
            ports: ports.slice(0, PORT_SAMPLE).map(String),
            hosts: [...state.hosts.keys()].slice(0, PORT_SAMPLE),
            window: config.window,
            trigger: byPorts ? 'ports' : 'hosts',
          },
        },
      ];
    },
    forget(containerId) {
      containers.delete(containerId);
    },
  };
}
