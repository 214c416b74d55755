import type { AnalyzerResult } from '../../../image/analyzer.js';
import type { FileIndex } from '../../../image/file-index.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../../cataloger.js';
import { distroQualifier, osPurl } from '../os-purl.js';
import {
  DPKG_STATUS,
  DPKG_STATUS_DIR,
  dpkgCopyrightAnalyzer,
  dpkgFilesAnalyzer,
  dpkgStatusAnalyzer,
  type DpkgEntry,
} from './dpkg-analyzers.js';

/**
 * Package states whose files are on disk (dpkg(1), "Package states"). `not-installed` and
 * `config-files` (removed, only conffiles left) are what `dpkg -l` shows as `un`/`rc`: nothing that
 * could be run or exploited is left, so they are not reported.
 */
const PRESENT_STATES = new Set(['installed', 'half-configured', 'unpacked', 'half-installed', 'triggers-awaited', 'triggers-pending']);

export const dpkgCataloger: Cataloger = {
  name: 'dpkg',
  analyzers: [dpkgStatusAnalyzer, dpkgFilesAnalyzer, dpkgCopyrightAnalyzer],
  catalog(ctx) {
    const statuses = ctx.results<DpkgEntry[]>(dpkgStatusAnalyzer.name);
    if (statuses.length === 0) return [];
    const lists = byPath(ctx.results<string[]>(dpkgFilesAnalyzer.name));
    const copyrights = byPath(ctx.results<string[]>(dpkgCopyrightAnalyzer.name));
    const namespace = ctx.os?.family === 'debian' ? ctx.os.id : 'debian';
    const distro = ctx.os?.family === 'debian' ? distroQualifier(ctx.os) : undefined;
    const packages: CatalogedPackage[] = [];
    // the main status file first, then status.d files in name order: a stable output order
    const sorted = [...statuses].sort((a, b) => (a.path === DPKG_STATUS ? -1 : b.path === DPKG_STATUS ? 1 : a.path < b.path ? -1 : 1));
    for (const result of sorted) {
      for (const entry of result.data) {
        if (entry.state !== undefined && !PRESENT_STATES.has(entry.state)) continue;
        const pkg = toPackage(entry, result, ctx, namespace, distro);
        const files = ownedFiles(entry, result.path, lists, ctx.files);
        if (files) pkg.files = files;
        const licenses = copyrights.get(ctx.files.resolve(`usr/share/doc/${entry.name}/copyright`) ?? '');
        if (licenses) pkg.licenses = [...licenses];
        packages.push(pkg);
      }
    }
    return packages;
  },
};

function toPackage(
  entry: DpkgEntry,
  result: AnalyzerResult<DpkgEntry[]>,
  ctx: CatalogContext,
  namespace: string,
  distro: string | undefined,
): CatalogedPackage {
  // purl spec, PURL-TYPES "deb": arch qualifier; `upstream` names the source package (and its
  // version when it differs), as Debian-aware consumers of deb purls expect
  const upstream =
    entry.sourceName === entry.name && entry.sourceVersion === entry.version
      ? undefined
      : entry.sourceVersion === entry.version
        ? entry.sourceName
        : `${entry.sourceName}@${entry.sourceVersion}`;
  const pkg: CatalogedPackage = {
    name: entry.name,
    version: entry.version,
    type: 'deb',
    purl: osPurl('deb', namespace, entry.name, entry.version, { arch: entry.architecture, distro, upstream }),
    cataloger: 'dpkg',
    sourceName: entry.sourceName,
    sourceVersion: entry.sourceVersion,
    locations: [ctx.location(result.path, introducingLayer(entry, result, ctx.files))],
  };
  // deb-version(7): "[epoch:]upstream_version[-debian_revision]"
  const epoch = /^(\d+):/.exec(entry.version);
  if (epoch) pkg.epoch = Number(epoch[1]);
  if (entry.architecture) pkg.architecture = entry.architecture;
  if (entry.description) pkg.description = entry.description;
  if (entry.maintainer) pkg.metadata = { maintainer: entry.maintainer };
  return pkg;
}

/**
 * The layer that brought this version of the package. Every apt or dpkg run rewrites the whole
 * status file, so its layer says little; dpkg writes a package's own file list (`info/NAME.list`,
 * or the distroless `status.d/NAME`) only when it installs or upgrades that package, so the layer
 * holding the visible list is the one whose Dockerfile line installed this version.
 */
function introducingLayer(entry: DpkgEntry, result: AnalyzerResult<DpkgEntry[]>, files: FileIndex): number {
  if (result.path.startsWith(DPKG_STATUS_DIR)) return result.layerIndex;
  const list =
    (entry.architecture ? files.get(`var/lib/dpkg/info/${entry.name}:${entry.architecture}.list`) : undefined) ??
    files.get(`var/lib/dpkg/info/${entry.name}.list`);
  return list && list.layerIndex <= result.layerIndex ? list.layerIndex : result.layerIndex;
}

function byPath<T>(results: AnalyzerResult<T>[]): Map<string, T> {
  return new Map(results.map((r) => [r.path, r.data]));
}

/**
 * The package's file list. dpkg names it `<name>:<arch>.list` for Multi-Arch: same packages and
 * `<name>.list` otherwise; distroless keeps `status.d/<file>.md5sums` beside the status file.
 * Directories are left out (every package "owns" /usr); symlinks are followed to decide.
 */
function ownedFiles(entry: DpkgEntry, statusPath: string, lists: Map<string, string[]>, files: FileIndex): string[] | undefined {
  const list = statusPath.startsWith(DPKG_STATUS_DIR)
    ? lists.get(`${statusPath}.md5sums`)
    : (entry.architecture ? lists.get(`var/lib/dpkg/info/${entry.name}:${entry.architecture}.list`) : undefined) ??
      lists.get(`var/lib/dpkg/info/${entry.name}.list`);
  if (!list) return undefined;
  return list.filter((path) => {
    const resolved = files.resolve(path);
    return resolved === undefined || files.get(resolved)?.type !== 'dir';
  });
}
