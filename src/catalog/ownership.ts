import type { FileIndex } from '../image/file-index.js';
import type { Package } from './types.js';

const OS_TYPES = new Set(['deb', 'rpm', 'apk']);

/**
 * Marks language packages whose declaring file belongs to an OS package (a Debian python3-yaml's
 * dist-info, a jar from libcommons-lang3-java). Matching then uses the distro's advisories for them,
 * which know about backported fixes the language ecosystem's advisories cannot see.
 * Paths are compared after resolving symlinks, since package file lists name paths like `/lib/...`
 * that merged-/usr images keep under `usr/lib/...`.
 */
export function markOwnedPackages(packages: Package[], files: FileIndex): void {
  const owner = new Map<string, Package>();
  for (const p of packages) {
    if (!OS_TYPES.has(p.type) || !p.files) continue;
    for (const f of p.files) {
      owner.set(f, p);
      const resolved = files.resolve(f);
      if (resolved !== undefined && resolved !== f) owner.set(resolved, p);
    }
  }
  if (owner.size === 0) return;
  for (const p of packages) {
    if (OS_TYPES.has(p.type)) continue;
    for (const loc of p.locations) {
      const o = owner.get(loc.path) ?? owner.get(files.resolve(loc.path) ?? '');
      if (o) {
        p.ownedBy = { type: o.type as 'deb' | 'rpm' | 'apk', name: o.name, version: o.version };
        break;
      }
    }
  }
}
