import { BulkheadError } from '../../errors.js';
import type { Ordering, VersionScheme } from './scheme.js';
import { apk } from './apk.js';
import { composer } from './composer.js';
import { dpkg } from './dpkg.js';
import { goModule } from './go.js';
import { maven } from './maven.js';
import { nuget } from './nuget.js';
import { pep440 } from './pep440.js';
import { rpm } from './rpm.js';
import { rubygems } from './rubygems.js';
import { semverScheme } from './semver.js';

export type { Ordering, VersionScheme } from './scheme.js';

/**
 * OSV ecosystem names (the part before the first colon: `Debian:12` → `Debian`) and the scheme each
 * orders its versions by (OSV schema, "Affected ranges" and the ecosystem list).
 */
const BY_ECOSYSTEM: Record<string, VersionScheme> = {
  Debian: dpkg,
  Ubuntu: dpkg,
  Alpine: apk,
  Wolfi: apk,
  Chainguard: apk,
  'Red Hat': rpm,
  'Rocky Linux': rpm,
  AlmaLinux: rpm,
  'Oracle Linux': rpm,
  CentOS: rpm,
  Fedora: rpm,
  SUSE: rpm,
  openSUSE: rpm,
  'openEuler': rpm,
  Mageia: rpm,
  'Photon OS': rpm,
  'Amazon Linux': rpm,
  npm: semverScheme,
  'crates.io': semverScheme,
  Hex: semverScheme,
  Pub: semverScheme,
  SwiftURL: semverScheme,
  PyPI: pep440,
  Maven: maven,
  Go: goModule,
  RubyGems: rubygems,
  NuGet: nuget,
  Packagist: composer,
};

/** The scheme for an OSV ecosystem name, or undefined when Bulkhead does not order its versions. */
export function versionScheme(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(':');
  const base = colon < 0 ? ecosystem : ecosystem.slice(0, colon);
  return BY_ECOSYSTEM[base];
}

/** Ecosystems `compareVersions` knows, as OSV spells them. */
export function supportedEcosystems(): string[] {
  return Object.keys(BY_ECOSYSTEM);
}

/**
 * Orders two versions of one ecosystem (OSV spelling: `Debian`, `npm`, `PyPI`, `Maven`, `RubyGems`,
 * `Go`, `Alpine`, `Red Hat`, ...; a release suffix like `Debian:12` is accepted).
 * Throws `BulkheadError` (`INPUT_INVALID`) for an ecosystem it does not know.
 */
export function compareVersions(ecosystem: string, a: string, b: string): Ordering {
  const scheme = versionScheme(ecosystem);
  if (!scheme) throw new BulkheadError('INPUT_INVALID', `compareVersions: unknown ecosystem "${ecosystem}"`, { input: ecosystem });
  return scheme.compare(a, b);
}
