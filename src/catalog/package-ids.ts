import type { CatalogedPackage } from './cataloger.js';
import type { Package } from './types.js';

/**
 * Gives each package a stable id (its purl, plus the declaring path when the same purl is found in
 * several places) and merges exact duplicates (same purl, same path) reported by two analysers.
 */
export function assignIds(found: readonly CatalogedPackage[]): Package[] {
  const byKey = new Map<string, Package>();
  const purlCount = new Map<string, number>();
  for (const p of found) {
    const key = `${p.purl}\u0000${p.locations[0]?.path ?? ''}`;
    const existing = byKey.get(key);
    if (existing) {
      for (const loc of p.locations) {
        if (!existing.locations.some((l) => l.path === loc.path && l.layerIndex === loc.layerIndex)) existing.locations.push(loc);
      }
      continue;
    }
    byKey.set(key, { ...p, id: '' });
    purlCount.set(p.purl, (purlCount.get(p.purl) ?? 0) + 1);
  }
  const packages = [...byKey.values()];
  for (const p of packages) {
    p.id = (purlCount.get(p.purl) ?? 0) > 1 ? `${p.purl}#${p.locations[0]?.path ?? ''}` : p.purl;
  }
  return packages;
}
