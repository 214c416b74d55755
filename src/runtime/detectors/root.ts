/**
 * BH-RT-107: a container whose main process runs as root (uid 0). Root in a container is root on
 * the host's kernel: any escape or writable host mount starts from full privileges (CIS Docker
 * Benchmark 4.1, "Ensure that a user for the container has been created"). When the uid is not
 * known, the configured user decides: '' (the image default, root unless the image says otherwise),
 * 'root' or '0', with or without a group. Once per container.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { ContainerContext } from '../events/observation.js';
import type { Detection, Detector } from './types.js';

export function runsAsRoot(c: Pick<ContainerContext, 'uid' | 'user'>): boolean {
  if (c.uid !== undefined) return c.uid === 0;
  const user = c.user.split(':')[0]!;
  return user === '' || user === 'root' || user === '0';
}

export function rootDetector(config: RuntimeConfig['detectors']['root']): Detector {
  const reported = new Set<string>();
  return {
    name: 'root',
    observe: () => [],
    tick(_nowMs, containers) {
      const out: Detection[] = [];
      for (const c of containers) {
        if (reported.has(c.ref.id) || !runsAsRoot(c)) continue;
        reported.add(c.ref.id);
        out.push({
          type: 'root',
          rule: 'BH-RT-107',
          severity: 'low',
          container: c,
          reason: `container runs as root${c.uid === undefined ? ` (user "${c.user}")` : ' (uid 0)'}`,
          response: config.response,
          details: { user: c.user, ...(c.uid !== undefined ? { uid: c.uid } : {}) },
        });
      }
      return out;
    },
    forget(containerId) {
      reported.delete(containerId);
    },
  };
}
