import { PackageURL } from 'packageurl-js';
import type { PackageType } from '../catalog/types.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set<PackageType>([
  'deb', 'apk', 'rpm', 'npm', 'pypi', 'maven', 'golang', 'cargo', 'gem', 'composer', 'nuget', 'generic',
]);

/** Package URL types that name an OS package manager (purl PURL-TYPES). */
export const OS_PACKAGE_TYPES: ReadonlySet<string> = new Set(['deb', 'rpm', 'apk']);

export interface PurlFacts {
  type: PackageType;
  /** The package's name as Bulkhead spells it (npm scope and Go module path included). */
  name: string;
  namespace?: string;
  version?: string;
  qualifiers: Record<string, string>;
}

/**
 * Reads a package URL into Bulkhead's naming. The purl spec keeps the npm scope, the Go module path
 * and the Composer vendor in `namespace`; Bulkhead keeps them in the name, and keeps only Maven's group
 * as a namespace. Distro namespaces (`debian`, `alpine`) are vendors, not part of the name.
 * Returns undefined for text that is not a valid purl.
 */
export function parsePurl(text: string): PurlFacts | undefined {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text);
  } catch {
    return undefined;
  }
  const type = (KNOWN_TYPES.has(purl.type) ? purl.type : 'generic') as PackageType;
  const ns = purl.namespace ?? undefined;
  let name = purl.name;
  let namespace: string | undefined;
  if (ns && (purl.type === 'npm' || purl.type === 'golang' || purl.type === 'composer')) name = `${ns}/${purl.name}`;
  else if (ns && purl.type === 'maven') namespace = ns;
  const facts: PurlFacts = { type, name, qualifiers: { ...(purl.qualifiers ?? {}) } };
  if (namespace !== undefined) facts.namespace = namespace;
  if (purl.version) facts.version = purl.version;
  return facts;
}

/** A purl for a package that came without one, so every decoded package has an identity. */
export function genericPurl(name: string, version: string | undefined): string {
  return new PackageURL('generic', undefined, name, version || undefined).toString();
}
