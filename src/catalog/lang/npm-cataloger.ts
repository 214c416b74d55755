import type { FileAnalyzer, FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../cataloger.js';
import { baseName, dirName, insideInstalledPackage, isRecord, parseJson, toCataloged, uniqueByNameVersion, type FoundPackage } from './common.js';
import { NPM_PACKAGE_JSON, npmPackageJsonAnalyzer } from './npm-package-json.js';
import { parsePackageLock } from './npm-package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLock } from './yarn-lock.js';

const NPM_LOCKFILE = 'npm-lockfile';

const LOCKFILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml']);

interface LockfileData {
  packages: FoundPackage[];
}

/** Project lockfiles; those shipped inside dependencies in node_modules describe nothing installed. */
export const npmLockfileAnalyzer: FileAnalyzer<LockfileData> = {
  name: NPM_LOCKFILE,
  version: 1,
  maxBytes: LIMITS.maxMetadataBytes,
  wants: (path) => LOCKFILE_NAMES.has(baseName(path)) && !insideInstalledPackage(path),
  analyze(file: FileContent): LockfileData | undefined {
    const base = baseName(file.path);
    let packages: FoundPackage[];
    if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') {
      const lock = parseJson(file.content, file.warn);
      if (!isRecord(lock)) return undefined;
      packages = parsePackageLock(lock);
    } else {
      try {
        const text = file.content.toString('utf8');
        packages = base === 'yarn.lock' ? parseYarnLock(text) : parsePnpmLock(text);
      } catch (e) {
        file.warn(`malformed ${base}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }
    packages = uniqueByNameVersion(packages);
    return packages.length > 0 ? { packages } : undefined;
  },
};

/** `@scope/name` → purl namespace `@scope` (purl spec, PURL-TYPES "npm"). */
function npmPurlParts(name: string): { namespace?: string; name: string } {
  const slash = name.indexOf('/');
  return name.startsWith('@') && slash > 0 ? { namespace: name.slice(0, slash), name: name.slice(slash + 1) } : { name };
}

/**
 * npm packages: installed ones from node_modules, then lockfile entries that are not installed next
 * to their lockfile (an image often ships the lockfile without, or with only part of, node_modules).
 */
export const npmCataloger: Cataloger = {
  name: 'npm',
  analyzers: [npmPackageJsonAnalyzer, npmLockfileAnalyzer],
  catalog(ctx: CatalogContext): CatalogedPackage[] {
    const out: CatalogedPackage[] = [];
    const installed = ctx.results<FoundPackage>(NPM_PACKAGE_JSON);
    for (const r of installed) {
      const pkg = toCataloged(ctx, r, r.data, 'npm', 'npm', npmPurlParts(r.data.name));
      if (pkg) out.push(pkg);
    }
    for (const r of ctx.results<LockfileData>(NPM_LOCKFILE)) {
      const dir = dirName(r.path);
      const prefix = dir === '' ? 'node_modules/' : `${dir}/node_modules/`;
      const here = new Set(installed.filter((i) => i.path.startsWith(prefix)).map((i) => `${i.data.name}@${i.data.version}`));
      for (const found of r.data.packages) {
        if (here.has(`${found.name}@${found.version}`)) continue;
        const pkg = toCataloged(ctx, r, found, 'npm', 'npm-lockfile', npmPurlParts(found.name));
        if (pkg) out.push(pkg);
      }
    }
    return out;
  },
};
