import type { FileAnalyzer, FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import { isRecord, parseJson, stringField, type FoundPackage } from './common.js';

/**
 * Installed npm packages: the `package.json` at the root of each folder in a `node_modules` tree
 * (npm, yarn classic, pnpm's `.pnpm/<id>/node_modules/<name>`, global installs, bundled deps).
 * Only `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json` (and the same
 * below Debian's global module folders, `usr/share/nodejs` and `usr/lib/nodejs`) are package
 * roots: other package.json files inside a package (`dist/esm/package.json`) only mark module types.
 */
export const NPM_PACKAGE_JSON = 'npm-package-json';

export function isPackageRootManifest(path: string): boolean {
  if (!path.endsWith('/package.json')) return false;
  const end = path.length - '/package.json'.length;
  const nameStart = path.lastIndexOf('/', end - 1) + 1;
  // a bare `@scope` folder is not a package
  if (path.charCodeAt(nameStart) === 0x40 /* @ */) return false;
  // `node_modules/<name>/package.json`
  if (hasNodeModulesBefore(path, nameStart)) return true;
  // `node_modules/@scope/<name>/package.json`
  if (nameStart < 2) return false;
  const scopeStart = path.lastIndexOf('/', nameStart - 2) + 1;
  return path.charCodeAt(scopeStart) === 0x40 /* @ */ && hasNodeModulesBefore(path, scopeStart);
}

/**
 * Debian's Node.js searches these folders as global module roots (its `node` is built with them on
 * the search path); distro packages such as node-acorn install there instead of in node_modules.
 */
const DISTRO_MODULE_ROOTS = ['usr/share/nodejs/', 'usr/lib/nodejs/'];
const DISTRO_ARCH_ROOT = /^usr\/lib\/[a-z0-9_]+-linux-gnu[a-z0-9_]*\/nodejs\/$/;

/** True when the path segment ending just before `segmentStart` is `node_modules` or a distro module root. */
function hasNodeModulesBefore(path: string, segmentStart: number): boolean {
  const dir = path.slice(0, segmentStart);
  if (DISTRO_MODULE_ROOTS.includes(dir) || (dir.endsWith('/nodejs/') && DISTRO_ARCH_ROOT.test(dir))) return true;
  const marker = 'node_modules/';
  const start = segmentStart - marker.length;
  if (start < 0 || !path.startsWith(marker, start)) return false;
  return start === 0 || path.charCodeAt(start - 1) === 0x2f /* / */;
}

/** npm's `license` (string or legacy `{type}`) and legacy `licenses` array (package.json docs). */
export function npmLicenses(manifest: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    const s = stringField(v) ?? (isRecord(v) ? stringField(v.type) : undefined);
    if (s !== undefined && !out.includes(s)) out.push(s);
  };
  add(manifest.license);
  if (Array.isArray(manifest.licenses)) for (const l of manifest.licenses) add(l);
  else add(manifest.licenses);
  return out;
}

export const npmPackageJsonAnalyzer: FileAnalyzer<FoundPackage> = {
  name: NPM_PACKAGE_JSON,
  version: 1,
  maxBytes: LIMITS.maxDocumentBytes,
  wants: (path) => isPackageRootManifest(path),
  analyze(file: FileContent): FoundPackage | undefined {
    const manifest = parseJson(file.content, file.warn);
    if (!isRecord(manifest)) return undefined;
    // the name in the file wins over the folder name (aliases install under another folder)
    const name = stringField(manifest.name);
    const version = stringField(manifest.version);
    if (name === undefined || version === undefined) return undefined;
    const found: FoundPackage = { name, version };
    const licenses = npmLicenses(manifest);
    if (licenses.length > 0) found.licenses = licenses;
    const description = stringField(manifest.description);
    if (description !== undefined) found.description = description;
    return found;
  },
};
