/**
 * BH-RT-110: a container older than its time to live. Long-lived containers drift from their
 * image's current, patched version and keep whatever an intruder left; the first `ttl` entry whose
 * image globs match the container decides its maximum age, and `replace` asks the agent to start a
 * fresh container from the image in its place. Once per container.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detection, Detector } from './types.js';
import { durationMs } from './duration.js';
import { firstMatchingGlob } from './image-glob.js';

export function ttlDetector(config: RuntimeConfig['ttl']): Detector {
  const rules = config.map((entry) => ({ ...entry, maxAgeMs: durationMs(entry.maxAge) }));
  const reported = new Set<string>();
  return {
    name: 'ttl',
    observe: () => [],
    tick(nowMs, containers) {
      const out: Detection[] = [];
      for (const c of containers) {
        if (reported.has(c.ref.id)) continue;
        const rule = rules.find((r) => firstMatchingGlob(r.images, c.imageName) ?? firstMatchingGlob(r.images, c.ref.image));
        if (rule === undefined) continue;
        const startedMs = Date.parse(c.startedAt);
        if (Number.isNaN(startedMs) || nowMs - startedMs <= rule.maxAgeMs) continue;
        reported.add(c.ref.id);
        const ageS = Math.floor((nowMs - startedMs) / 1000);
        out.push({
          type: 'ttl',
          rule: 'BH-RT-110',
          severity: 'medium',
          container: c,
          reason: `container has run for ${ageS}s, longer than its time to live of ${rule.maxAge}`,
          response: rule.action === 'replace' ? 'replace' : 'alert',
          details: { ageSeconds: ageS, maxAge: rule.maxAge, startedAt: c.startedAt, images: rule.images },
        });
      }
      return out;
    },
    forget(containerId) {
      reported.delete(containerId);
    },
  };
}
