import type { OsRelease, Package } from '../../catalog/index.js';

/**
 * How one installed package is looked up in OSV data: the ecosystem (OSV spelling), the release
 * filter for distro ecosystems, the name as advisories key it, and the version to compare.
 */
export interface PackageQuery {
  /** OSV ecosystem base: `Debian`, `Alpine`, `npm`, `PyPI`... */
  ecosystemBase: string;
  /** Accepts a record's full ecosystem string (`Debian:12`, `Ubuntu:22.04:LTS`). */
  acceptsEcosystem: (ecosystem: string) => boolean;
  /** The ecosystem as reported (`Debian:12`). */
  ecosystem: string;
  /** Name as advisories key it (the source package for distros); not yet normalised. */
  name: string;
  version: string;
}

/** Why a package is not looked up, for the scan's warnings and debug logs. */
export type QueryResult = { query: PackageQuery } | { skipped: string };

const LANGUAGE_ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
  nuget: 'NuGet',
};

export interface QueryOptions {
  /**
   * Language packages installed by the OS package manager are matched with the distro's data (through
   * their owning OS package) by default; true matches them with the language ecosystem's data as well.
   */
  matchOwnedLanguagePackages?: boolean;
}

export function packageQuery(pkg: Package, os: OsRelease | undefined, options: QueryOptions = {}): QueryResult {
  if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') return distroQuery(pkg, os);
  const ecosystem = LANGUAGE_ECOSYSTEM[pkg.type];
  if (!ecosystem) return { skipped: `no advisory ecosystem for package type ${pkg.type}` };
  if (pkg.ownedBy && !options.matchOwnedLanguagePackages) {
    return { skipped: `installed by ${pkg.ownedBy.type} package ${pkg.ownedBy.name}; matched through it` };
  }
  if (!pkg.version) return { skipped: 'no version' };
  return { query: { ecosystemBase: ecosystem, ecosystem, acceptsEcosystem: (e) => e === ecosystem, name: advisoryName(pkg), version: pkg.version } };
}

/** Names as OSV keys them: Maven `group:artifact`, npm `@scope/name`, Packagist `vendor/name`. */
function advisoryName(pkg: Package): string {
  const ns = pkg.namespace;
  if (pkg.type === 'maven') return ns && !pkg.name.includes(':') ? `${ns}:${pkg.name}` : pkg.name;
  if ((pkg.type === 'npm' || pkg.type === 'composer' || pkg.type === 'golang') && ns && !pkg.name.includes('/')) return `${ns}/${pkg.name}`;
  return pkg.name;
}

function distroQuery(pkg: Package, os: OsRelease | undefined): QueryResult {
  if (!os) return { skipped: 'distribution unknown (no os-release)' };
  const release = distroRelease(os);
  if (!release) return { skipped: `no advisory data for distribution ${os.id} ${os.versionId ?? ''}`.trim() };
  const name = pkg.sourceName ?? pkg.name;
  let version = pkg.sourceVersion ?? pkg.version;
  if (pkg.type === 'rpm') {
    // OSV rpm-family events spell EVR with the epoch when it is not zero (`1:2.3-4.el9`)
    const epoch = pkg.epoch;
    if (epoch !== undefined && epoch !== 0 && !version.includes(':')) version = `${epoch}:${version}`;
  }
  return { query: { ...release, name, version } };
}

interface DistroRelease {
  ecosystemBase: string;
  ecosystem: string;
  acceptsEcosystem: (ecosystem: string) => boolean;
}

/**
 * The OSV ecosystem of a distribution release (OSV schema, "Affected ecosystems": `Debian:12`,
 * `Ubuntu:22.04:LTS`, `Alpine:v3.19`, `Red Hat:enterprise_linux:9::appstream`, `Rocky Linux:9`).
 */
export function distroRelease(os: OsRelease): DistroRelease | undefined {
  const id = os.id.toLowerCase();
  const versionId = os.versionId ?? '';
  const major = versionId.split('.')[0] ?? '';
  switch (id) {
    case 'debian': {
      if (!major) return undefined;
      const eco = `Debian:${major}`;
      return { ecosystemBase: 'Debian', ecosystem: eco, acceptsEcosystem: (e) => e === eco || e === 'Debian' };
    }
    case 'ubuntu': {
      if (!versionId) return undefined;
      const eco = `Ubuntu:${versionId}`;
      // `Ubuntu:22.04:LTS` and `Ubuntu:22.04` apply; `Ubuntu:Pro:22.04:LTS` is the paid ESM archive
      return { ecosystemBase: 'Ubuntu', ecosystem: eco, acceptsEcosystem: (e) => e.split(':')[1] === versionId };
    }
    case 'alpine': {
      const minor = versionId.split('.').slice(0, 2).join('.');
      if (!minor) return undefined;
      const eco = `Alpine:v${minor}`;
      return { ecosystemBase: 'Alpine', ecosystem: eco, acceptsEcosystem: (e) => e === eco };
    }
    case 'wolfi':
    case 'chainguard': {
      const base = id === 'wolfi' ? 'Wolfi' : 'Chainguard';
      return { ecosystemBase: base, ecosystem: base, acceptsEcosystem: (e) => e === base };
    }
    case 'rhel':
    case 'centos': {
      if (!major) return undefined;
      return {
        ecosystemBase: 'Red Hat',
        ecosystem: `Red Hat:enterprise_linux:${major}`,
        acceptsEcosystem: (e) => {
          const parts = e.split(':');
          return parts[0] === 'Red Hat' && (parts[2] ?? '').split('.')[0] === major;
        },
      };
    }
    case 'rocky':
    case 'almalinux': {
      if (!major) return undefined;
      const base = id === 'rocky' ? 'Rocky Linux' : 'AlmaLinux';
      const eco = `${base}:${major}`;
      return { ecosystemBase: base, ecosystem: eco, acceptsEcosystem: (e) => e === eco };
    }
    default:
      return undefined;
  }
}
