import type { OsRelease } from '../catalog/types.js';

/** Groups distributions whose advisories apply to each other (os-release(5) ID and ID_LIKE). */
export function osFamily(id: string, idLike: readonly string[] = []): OsRelease['family'] {
  for (const candidate of [id, ...idLike].map((s) => s.toLowerCase())) {
    if (['debian', 'ubuntu'].includes(candidate)) return 'debian';
    if (['alpine', 'wolfi', 'chainguard'].includes(candidate)) return 'alpine';
    if (['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'amzn', 'ol', 'redhat'].includes(candidate)) return 'rhel';
    if (candidate === 'suse' || candidate.startsWith('sles') || candidate.startsWith('opensuse')) return 'suse';
    if (candidate === 'arch') return 'arch';
  }
  return 'unknown';
}

/**
 * The distribution named by OS package URLs' `distro` qualifier (purl PURL-TYPES deb/rpm/apk:
 * `distro=debian-12`, `distro=alpine-3.19`), for SBOMs that list no operating system.
 */
export function osFromDistroQualifier(distros: readonly (string | undefined)[], source: string): OsRelease | undefined {
  for (const distro of distros) {
    const m = distro ? /^([a-z][a-z0-9_]*?)-(\d[\w.]*)$/i.exec(distro) : null;
    if (m) return { id: m[1]!.toLowerCase(), versionId: m[2]!, family: osFamily(m[1]!), source };
  }
  return undefined;
}
