import type { FileAnalyzer, FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../cataloger.js';
import { baseName, insideInstalledPackage, isRecord, parseJson, stringField, toCataloged, uniqueByNameVersion, type FoundPackage } from './common.js';

/**
 * PHP Composer packages. `vendor/composer/installed.json` records what is installed: a plain array
 * (Composer 1) or `{ "packages": [...], "dev": bool, "dev-package-names": [...] }` (Composer 2).
 * `composer.lock` pins the project's `packages` and `packages-dev` (Composer docs, "Basic usage",
 * "composer.lock"). Names are `vendor/name`; the purl keeps the vendor as namespace (PURL-TYPES).
 */
const COMPOSER_INSTALLED = 'composer-installed';
const COMPOSER_LOCKFILE = 'composer-lockfile';

function fromEntries(entries: unknown, dev: boolean | Set<string>): FoundPackage[] {
  if (!Array.isArray(entries)) return [];
  const out: FoundPackage[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const name = stringField(entry.name);
    const version = stringField(entry.version);
    if (!name || !version) continue;
    const found: FoundPackage = { name, version };
    const licenses = Array.isArray(entry.license) ? entry.license.filter((l): l is string => typeof l === 'string') : stringField(entry.license) ? [String(entry.license)] : [];
    if (licenses.length > 0) found.licenses = licenses;
    const description = stringField(entry.description);
    if (description) found.description = description;
    if (dev === true || (dev instanceof Set && dev.has(name))) found.dev = true;
    out.push(found);
  }
  return out;
}

function analyzer(name: string, wants: (path: string) => boolean, read: (doc: unknown) => FoundPackage[]): FileAnalyzer<{ packages: FoundPackage[] }> {
  return {
    name,
    version: 1,
    maxBytes: LIMITS.maxMetadataBytes,
    wants,
    analyze(file: FileContent) {
      const doc = parseJson(file.content, file.warn);
      if (doc === undefined) return undefined;
      const packages = uniqueByNameVersion(read(doc));
      return packages.length > 0 ? { packages } : undefined;
    },
  };
}

const installedAnalyzer = analyzer(
  COMPOSER_INSTALLED,
  (path) => path.endsWith('vendor/composer/installed.json'),
  (doc) => {
    if (Array.isArray(doc)) return fromEntries(doc, false);
    if (!isRecord(doc)) return [];
    const devNames = Array.isArray(doc['dev-package-names']) ? new Set(doc['dev-package-names'].filter((n): n is string => typeof n === 'string')) : new Set<string>();
    return fromEntries(doc.packages, devNames);
  },
);

const lockAnalyzer = analyzer(
  COMPOSER_LOCKFILE,
  (path) => baseName(path) === 'composer.lock' && !insideInstalledPackage(path),
  (doc) => (isRecord(doc) ? [...fromEntries(doc.packages, false), ...fromEntries(doc['packages-dev'], true)] : []),
);

function purlParts(name: string): { namespace?: string; name: string } {
  const slash = name.indexOf('/');
  return slash > 0 ? { namespace: name.slice(0, slash), name: name.slice(slash + 1) } : { name };
}

export const composerCataloger: Cataloger = {
  name: 'composer',
  analyzers: [installedAnalyzer, lockAnalyzer],
  catalog(ctx: CatalogContext): CatalogedPackage[] {
    const out: CatalogedPackage[] = [];
    for (const [analyzerName, cataloger] of [[COMPOSER_INSTALLED, 'composer'], [COMPOSER_LOCKFILE, 'composer-lockfile']] as const) {
      for (const r of ctx.results<{ packages: FoundPackage[] }>(analyzerName)) {
        for (const found of r.data.packages) {
          const pkg = toCataloged(ctx, r, found, 'composer', cataloger, purlParts(found.name));
          if (pkg) out.push(pkg);
        }
      }
    }
    return out;
  },
};
