import { posix } from 'node:path';
import { PackageURL } from 'packageurl-js';
import type { AnalyzerResult } from '../../image/analyzer.js';
import type { CatalogContext, CatalogedPackage } from '../cataloger.js';
import type { PackageType } from '../types.js';

/**
 * Small helpers shared by the language catalogers: path pieces without regular expressions (the
 * `wants` checks run for every file of every image), purl building, and lenient JSON parsing that
 * reports instead of throwing.
 */

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Joins an image-root-relative directory and a relative path, clamping `..` at the image root. */
export function joinInImage(dir: string, relative: string): string {
  const joined = posix.normalize(posix.join('/', dir, relative));
  return joined.slice(1);
}


/**
 * True when the path lies inside an installed package of any ecosystem: a lockfile there is that
 * package's own development lock (a gem's Gemfile.lock, a wheel's requirements-dev.txt, a Composer
 * dependency's composer.lock), and describes nothing installed in the image.
 */
export function insideInstalledPackage(path: string): boolean {
  const p = '/' + path;
  return (
    p.includes('/node_modules/') ||
    p.includes('/site-packages/') ||
    p.includes('/dist-packages/') ||
    p.includes('/usr/share/nodejs/') ||
    /\/gems\/[^/]+-\d[^/]*\//.test(p) ||
    /\/vendor\/[^/]+\/[^/]+\//.test(p)
  );
}

/** Builds a package URL (purl spec); undefined when the parts are not a valid purl. */
export function purlOf(type: PackageType, namespace: string | undefined, name: string, version: string): string | undefined {
  try {
    return new PackageURL(type, namespace ?? null, name, version, null, null).toString();
  } catch {
    return undefined;
  }
}

/** Parses JSON, reporting the reason through `warn` and returning undefined when it is malformed. */
/** Messages name no path: the layer walker prefixes the file's path and layer. */
export function parseJson(text: Buffer | string, warn: (message: string) => void): unknown {
  try {
    return JSON.parse(stripBom(text.toString()));
  } catch (e) {
    warn(`malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** One package as an analyser records it: plain JSON, no path (the walker records that). */
export interface FoundPackage {
  name: string;
  version: string;
  licenses?: string[];
  description?: string;
  dev?: boolean;
  hashes?: Record<string, string>;
}

/** Turns found packages into cataloged ones located at the declaring file. */
export function toCataloged(
  ctx: CatalogContext,
  result: Pick<AnalyzerResult, 'path' | 'layerIndex'>,
  found: FoundPackage,
  type: PackageType,
  cataloger: string,
  purlParts: { namespace?: string; name: string },
): CatalogedPackage | undefined {
  const purl = purlOf(type, purlParts.namespace, purlParts.name, found.version);
  if (purl === undefined) {
    ctx.warn(`${result.path}: ${found.name}@${found.version} is not a valid ${type} package URL; skipped`);
    return undefined;
  }
  const pkg: CatalogedPackage = {
    name: found.name,
    version: found.version,
    type,
    purl,
    cataloger,
    locations: [ctx.location(result.path, result.layerIndex)],
  };
  if (found.licenses && found.licenses.length > 0) pkg.licenses = found.licenses;
  if (found.description !== undefined) pkg.description = found.description;
  if (found.hashes && Object.keys(found.hashes).length > 0) pkg.hashes = found.hashes;
  if (found.dev) pkg.metadata = { dev: 'true' };
  return pkg;
}

/**
 * Keeps one package per name@version within one declaring file (lockfiles repeat entries). A package
 * stays marked dev only when every occurrence is dev: one production path makes it production.
 */
export function uniqueByNameVersion(items: FoundPackage[]): FoundPackage[] {
  const byKey = new Map<string, FoundPackage>();
  for (const p of items) {
    const key = `${p.name}@${p.version}`;
    const previous = byKey.get(key);
    if (!previous) byKey.set(key, { ...p });
    else if (previous.dev && !p.dev) delete previous.dev;
  }
  return [...byKey.values()];
}
