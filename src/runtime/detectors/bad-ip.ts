/**
 * BH-RT-101: a container connects to an address on an IP reputation list (FireHOL, Spamhaus DROP).
 * One detection per (process, destination): a retrying client does not flood the event log, while
 * a second process reaching the same address is reported in its own right.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detection, Detector } from './types.js';
import type { ReputationSet } from './reputation-list.js';

/** Remembered (pid, destination) pairs per container; beyond this the oldest are forgotten. */
const MAX_SEEN_PER_CONTAINER = 1024;

export function badIpDetector(config: RuntimeConfig['reputation'], reputation: ReputationSet | undefined): Detector {
  const seen = new Map<string, Set<string>>();
  return {
    name: 'bad-ip',
    observe(o) {
      if (o.kind !== 'connect' || reputation === undefined) return [];
      const match = reputation.lookup(o.address);
      if (match === undefined) return [];
      let pairs = seen.get(o.container.ref.id);
      if (pairs === undefined) seen.set(o.container.ref.id, (pairs = new Set()));
      const key = `${o.pid} ${o.address}`;
      if (pairs.has(key)) return [];
      if (pairs.size >= MAX_SEEN_PER_CONTAINER) pairs.delete(pairs.values().next().value!);
      pairs.add(key);
      const destination = o.family === 6 ? `[${o.address}]:${o.port}` : `${o.address}:${o.port}`;
      const note = match.comment === undefined ? '' : ` (${match.comment})`;
      const detection: Detection = {
        type: 'bad-ip',
        rule: 'BH-RT-101',
        severity: 'high',
        container: o.container,
        pid: o.pid,
        path: o.path,
        reason: `${o.comm} connected to ${destination}, listed in ${match.list} as ${match.entry}${note}`,
        response: config.response,
        details: { destination: o.address, port: o.port, protocol: o.protocol, list: match.list, entry: match.entry },
      };
      if (match.comment !== undefined) detection.details!['comment'] = match.comment;
      return [detection];
    },
    forget(containerId) {
      seen.delete(containerId);
    },
  };
}
