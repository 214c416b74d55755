import type { FileAnalyzer } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogedPackage, Cataloger } from '../cataloger.js';
import type { PackageLocation } from '../types.js';
import { wantsExecutable } from './executable.js';
import { readGoBuildInfo } from './go-buildinfo.js';
import { parseModInfo, type GoModInfo, type GoModule } from './go-modinfo.js';
import { goPurl } from './purl.js';

export const GO_BINARY = 'go-binary';

export interface GoBinaryData extends GoModInfo {
  goVersion: string;
}

const goBinaryAnalyzer: FileAnalyzer<GoBinaryData> = {
  name: GO_BINARY,
  version: 1,
  maxBytes: LIMITS.maxBinaryBytes,
  wants: wantsExecutable,
  analyze(file) {
    const raw = readGoBuildInfo(file.content);
    if (!raw) return undefined;
    return { goVersion: raw.goVersion, ...parseModInfo(raw.modinfo) };
  },
};

/**
 * Modules compiled into Go programs, from the build information the linker embeds: the main
 * module, every dependency (replacements applied) and the standard library as `stdlib`, the name
 * the Go vulnerability database gives it.
 */
export const goBinaryCataloger: Cataloger = {
  name: GO_BINARY,
  analyzers: [goBinaryAnalyzer],
  catalog(ctx) {
    const out: CatalogedPackage[] = [];
    for (const r of ctx.results<GoBinaryData>(GO_BINARY)) out.push(...goPackages(r.data, ctx.location(r.path, r.layerIndex)));
    return out;
  },
};

/** The packages of one binary. */
export function goPackages(data: GoBinaryData, location: PackageLocation): CatalogedPackage[] {
  const common: Record<string, string> = { goVersion: data.goVersion };
  for (const key of ['GOOS', 'GOARCH', 'vcs.revision']) {
    const v = data.settings[key];
    if (v !== undefined) common[key] = v;
  }
  const make = (path: string, version: string, metadata: Record<string, string>): CatalogedPackage => ({
    name: path,
    version,
    type: 'golang',
    purl: goPurl(path, version) ?? `pkg:golang/${encodeURIComponent(path)}`,
    cataloger: GO_BINARY,
    locations: [location],
    metadata: { ...common, ...metadata },
  });

  const out: CatalogedPackage[] = [];
  if (data.main?.path) {
    const meta: Record<string, string> = { main: 'true', ...data.settings };
    if (data.path) meta.mainPackage = data.path;
    if (data.main.sum) meta.sum = data.main.sum;
    out.push(make(data.main.path, data.main.version, meta));
  }
  for (const dep of data.deps) {
    const { path, version, meta } = effectiveModule(dep);
    out.push(make(path, version, meta));
  }
  out.push(make('stdlib', stdlibVersion(data.goVersion), {}));
  return out;
}

/**
 * A replaced dependency is the replacement that was compiled in. A replacement by a directory
 * (`=> ../dep`) has no version of its own, so the required module keeps its name and version and
 * the directory is recorded.
 */
function effectiveModule(dep: GoModule): { path: string; version: string; meta: Record<string, string> } {
  const meta: Record<string, string> = {};
  const r = dep.replace;
  if (r && r.version !== '' && !isFilePath(r.path)) {
    if (r.sum) meta.sum = r.sum;
    meta.replaces = `${dep.path}@${dep.version}`;
    return { path: r.path, version: r.version, meta };
  }
  if (dep.sum) meta.sum = dep.sum;
  if (r) meta.replacement = r.path;
  return { path: dep.path, version: dep.version, meta };
}

function isFilePath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p.startsWith('/') || p === '.' || p === '..' || /^[A-Za-z]:[\\/]/.test(p);
}

/**
 * The toolchain version as the Go vulnerability database spells stdlib versions: `go1.21.5` →
 * `1.21.5`, `go1.21.0 X:boringcrypto` → `1.21.0`; a string not starting `go<digit>` is kept.
 */
export function stdlibVersion(goVersion: string): string {
  if (!/^go\d/.test(goVersion)) return goVersion;
  return goVersion.slice(2).split(/\s/, 1)[0] ?? goVersion;
}
