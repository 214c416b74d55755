import { isRecord, stringField, type FoundPackage } from './common.js';

/**
 * `package-lock.json` and `npm-shrinkwrap.json` (npm docs, "package-lock.json"):
 * lockfileVersion 1 nests a `dependencies` tree; versions 2 and 3 key a flat `packages` map by install
 * path (`node_modules/a/node_modules/@s/b`), where "" is the project itself and `link: true` entries
 * point at workspace folders that are listed again under their own path.
 */
export function parsePackageLock(lock: Record<string, unknown>): FoundPackage[] {
  if (isRecord(lock.packages)) return fromPackagesMap(lock.packages);
  if (isRecord(lock.dependencies)) {
    const out: FoundPackage[] = [];
    fromDependencyTree(lock.dependencies, out);
    return out;
  }
  return [];
}

function fromPackagesMap(packages: Record<string, unknown>): FoundPackage[] {
  const out: FoundPackage[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    if (key === '' || !isRecord(entry) || entry.link === true) continue;
    const marker = key.lastIndexOf('node_modules/');
    // entries outside node_modules are workspace folders: part of the project, not dependencies
    if (marker < 0) continue;
    const name = stringField(entry.name) ?? key.slice(marker + 'node_modules/'.length);
    const version = stringField(entry.version);
    if (version === undefined || !isRegistryVersion(version)) continue;
    const found: FoundPackage = { name, version };
    const license = stringField(entry.license);
    if (license !== undefined) found.licenses = [license];
    if (entry.dev === true) found.dev = true;
    out.push(found);
  }
  return out;
}

function fromDependencyTree(deps: Record<string, unknown>, out: FoundPackage[]): void {
  for (const [key, entry] of Object.entries(deps)) {
    if (!isRecord(entry)) continue;
    let name = key;
    let version = stringField(entry.version);
    // an alias records `npm:<real name>@<version>` as its version
    if (version?.startsWith('npm:')) {
      const spec = version.slice(4);
      const at = spec.lastIndexOf('@');
      if (at > 0) {
        name = spec.slice(0, at);
        version = spec.slice(at + 1);
      }
    }
    if (version !== undefined && isRegistryVersion(version)) {
      const found: FoundPackage = { name, version };
      if (entry.dev === true) found.dev = true;
      out.push(found);
    }
    if (isRecord(entry.dependencies)) fromDependencyTree(entry.dependencies, out);
  }
}

/** Git, tarball-URL and `file:` dependencies record a URL where a version would be. */
function isRegistryVersion(version: string): boolean {
  return !version.includes(':') && !version.includes('/');
}
