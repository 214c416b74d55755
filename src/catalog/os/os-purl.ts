import { PackageURL } from 'packageurl-js';
import type { OsRelease } from '../types.js';

/**
 * A package URL for an OS package (purl spec, PURL-TYPES: deb, rpm, apk). Qualifiers whose value is
 * undefined are left out; packageurl-js sorts and encodes the rest.
 */
export function osPurl(
  type: 'deb' | 'rpm' | 'apk',
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers: Record<string, string | undefined>,
): string {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(qualifiers)) if (v !== undefined && v !== '') kept[k] = v;
  return new PackageURL(type, namespace, name, version, Object.keys(kept).length > 0 ? kept : undefined, undefined).toString();
}

/** The `distro` qualifier: `<os-release ID>-<VERSION_ID>` (`debian-12`, `alpine-3.19.1`, `rhel-9.3`). */
export function distroQualifier(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  const version = os.versionId ?? os.versionCodename;
  return version ? `${os.id}-${version}` : os.id;
}
