/** Package kinds, named as package URLs name them (purl spec, PURL-TYPES). */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'maven'
  | 'golang'
  | 'cargo'
  | 'gem'
  | 'composer'
  | 'nuget'
  | 'generic';

/** Where a package was found: the file that declares it and the layer that added that file. */
export interface PackageLocation {
  path: string;
  layerIndex: number;
  layerDigest?: string;
  /** The history command that created the layer. */
  layerCreatedBy?: string;
}

export interface Package {
  /** Unique within one analysis; used as the BOM reference. */
  id: string;
  name: string;
  version: string;
  type: PackageType;
  /** Package URL (purl spec), with distro qualifiers for OS packages. */
  purl: string;
  /** Name of the cataloger that found it (`dpkg`, `npm-package-json`, `java-archive`, ...). */
  cataloger: string;
  /** Maven group id, npm scope is part of `name`. */
  namespace?: string;
  /** OS packages: the source package the binary was built from, and its version. */
  sourceName?: string;
  sourceVersion?: string;
  /** OS packages: epoch, release and architecture, as the package database records them. */
  epoch?: number;
  release?: string;
  architecture?: string;
  licenses?: string[];
  description?: string;
  /** Digests of the package artefact (jar sha1, ...), algorithm → hex. */
  hashes?: Record<string, string>;
  locations: PackageLocation[];
  /**
   * Language packages installed by the OS package manager: the owning OS package. Matching uses the
   * distro's advisories for these instead of the language ecosystem's.
   */
  ownedBy?: { type: 'deb' | 'rpm' | 'apk'; name: string; version: string };
  /** Files the package installed (OS package file lists, Python RECORD), image-root relative. */
  files?: string[];
  /** Other facts, kept as strings: Go toolchain version, jar manifest entries, main module... */
  metadata?: Record<string, string>;
}

/**
 * The distribution, from `etc/os-release` and its fallbacks. `id` and `versionId` follow
 * os-release(5); `family` groups derivatives for advisory matching.
 */
export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  name?: string;
  idLike?: string[];
  family: 'debian' | 'alpine' | 'rhel' | 'suse' | 'arch' | 'unknown';
  /** Distroless images: no shell, no package manager, packages in `var/lib/dpkg/status.d/`. */
  distroless?: boolean;
  /** The file the facts came from. */
  source: string;
}
