/**
 * Semantic Versioning 2.0.0 ordering (https://semver.org/#spec-item-11) for npm, crates.io and the
 * OSV `SEMVER` range type, through the `semver` package that npm itself uses.
 *
 * Versions are parsed loosely (`v1.2.3`, `=1.2.3`, `1.2.3beta`, leading zeros and surrounding
 * blanks are accepted), build metadata is ignored. Best effort for strings `semver` cannot parse
 * even loosely: they are coerced (`semver.coerce` with prereleases kept: `1.2.3.4` → `1.2.3`,
 * `v2` → `2.0.0`); strings without any number sort below every version and, among themselves, by
 * their text.
 */
import semver, { type SemVer } from 'semver';
import type { Ordering, VersionScheme } from './scheme.js';

const OPTIONS = { loose: true, includePrerelease: true } as const;

/** Parsed versions (null: nothing to order by), reused across the many compares of a match run. */
const cache = new Map<string, SemVer | null>();

function parsed(version: string): SemVer | null {
  let p = cache.get(version);
  if (p === undefined) {
    if (cache.size >= 4096) cache.clear();
    p = semver.parse(version, OPTIONS) ?? semver.coerce(version, OPTIONS);
    cache.set(version, p);
  }
  return p;
}

export const semverScheme: VersionScheme = {
  name: 'semver',
  compare(a: string, b: string): Ordering {
    if (a === b) return 0;
    const pa = parsed(a);
    const pb = parsed(b);
    if (pa !== null && pb !== null) return pa.compare(pb);
    if (pa !== null) return 1;
    if (pb !== null) return -1;
    return a < b ? -1 : 1;
  },
  /** `semver.valid` with loose parsing: exactly the versions `compare` orders without coercion. */
  valid(v: string): boolean {
    return semver.valid(v, { loose: true }) !== null;
  },
};
