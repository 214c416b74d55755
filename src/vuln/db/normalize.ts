/**
 * Package-name normalisation shared by the store and the matcher, so that a name written by a
 * package manager and a name written in an advisory meet in one index key.
 */

/** The part of an OSV ecosystem before the first colon (`Debian:12` → `Debian`, `npm` → `npm`). */
export function ecosystemBaseOf(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * PyPI: PEP 503 "Normalized Names" (runs of `-`, `_`, `.` become one `-`, lowercase).
 * NuGet and Packagist ids are case-insensitive (NuGet package ID rules; Composer lowercases vendor
 * and project). Everything else is compared as written: npm names are lowercase by rule, Go module
 * paths, Maven coordinates, crates and gems are case-sensitive, and distro package names are exact.
 */
export function normalizePackageName(ecosystemBase: string, name: string): string {
  switch (ecosystemBase) {
    case 'PyPI':
      return name.replace(/[-_.]+/g, '-').toLowerCase();
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
