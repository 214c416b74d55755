import { BulkheadError } from '../errors.js';
import type { Reporter } from '../progress.js';
import type { AnalyzerResult, FileAnalyzer } from './analyzer.js';
import { printable } from './layer-tar.js';
import type { EntryType, ImageSource, LayerEntry, LayerRef } from './types.js';

/** What one layer holds, after one pass over its entries. */
export interface LayerAnalysis {
  layerIndex: number;
  files: FileRecord[];
  /** Paths removed from lower layers by `.wh.NAME` entries (OCI image spec, layer.md "Whiteouts"). */
  whiteouts: string[];
  /** Directories whose lower-layer contents are hidden by `.wh..wh..opq`. */
  opaqueDirs: string[];
  results: AnalyzerResult[];
  warnings: string[];
  /** Uncompressed bytes of regular files in the layer. */
  bytes: number;
}

export interface FileRecord {
  path: string;
  type: EntryType;
  mode: number;
  size: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/**
 * Walks one layer once: records every entry, turns whiteout markers into deletions, and hands each
 * wanted file to the analysers that asked for it. Memory stays bounded by the largest wanted file.
 */
export async function analyzeLayer(
  source: ImageSource,
  layer: LayerRef,
  analyzers: readonly FileAnalyzer[],
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<LayerAnalysis> {
  const task = reporter.task(`analyse layer ${layer.index + 1}/${source.layers.length}`, layer.size);
  const out = await analyzeEntries(source.entries(layer, signal), layer, analyzers, reporter);
  return out;
}

/** The walk itself, over any stream of entries (in this thread or a layer worker). */
export async function analyzeEntries(
  entries: AsyncIterable<LayerEntry>,
  layer: LayerRef,
  analyzers: readonly FileAnalyzer[],
  reporter: Reporter,
): Promise<LayerAnalysis> {
  const out: LayerAnalysis = { layerIndex: layer.index, files: [], whiteouts: [], opaqueDirs: [], results: [], warnings: [], bytes: 0 };
  const what = `layer ${layer.index} (${layer.digest})`;
  const warn = (message: string) => {
    out.warnings.push(message);
    reporter.warn(message, { layer: layer.digest });
  };
  // results by path in this layer, to copy onto hardlinks
  const byPath = new Map<string, AnalyzerResult[]>();

  for await (const entry of entries) {
    const slash = entry.path.lastIndexOf('/');
    const base = entry.path.slice(slash + 1);
    const dir = slash >= 0 ? entry.path.slice(0, slash) : '';
    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (base === OPAQUE_MARKER) out.opaqueDirs.push(dir);
      else out.whiteouts.push((dir ? dir + '/' : '') + base.slice(WHITEOUT_PREFIX.length));
      continue;
    }
    if (entry.path === '') continue;
    const record: FileRecord = { path: entry.path, type: entry.type, mode: entry.mode, size: entry.size, uid: entry.uid, gid: entry.gid };
    if (entry.linkTarget !== undefined) record.linkTarget = entry.linkTarget;
    out.files.push(record);
    if (entry.type === 'file') out.bytes += entry.size;

    if (entry.type === 'hardlink' && entry.linkTarget !== undefined) {
      for (const r of byPath.get(entry.linkTarget) ?? []) {
        const copy = { ...r, path: entry.path };
        out.results.push(copy);
      }
      continue;
    }
    if (entry.type !== 'file') continue;

    const header = { size: entry.size, mode: entry.mode };
    const wanting = analyzers.filter((a) => a.wants(entry.path, header));
    if (wanting.length === 0) continue;
    const cap = Math.max(...wanting.map((a) => a.maxBytes));
    const content = await entry.read(cap);
    if (content === undefined && entry.sparse) {
      warn(`${what}: ${printable(entry.path)} is a sparse file (${entry.size} bytes); not analysed`);
      continue;
    }
    if (content === undefined) {
      warn(`${what}: ${printable(entry.path)} is ${entry.size} bytes, over the ${cap}-byte cap of ${wanting.map((a) => a.name).join(', ')}; not analysed`);
      continue;
    }
    for (const analyzer of wanting) {
      if (content.length > analyzer.maxBytes) {
        warn(`${what}: ${printable(entry.path)} is over the ${analyzer.maxBytes}-byte cap of ${analyzer.name}; not analysed by it`);
        continue;
      }
      try {
        const data = await analyzer.analyze({
          path: entry.path,
          content,
          size: entry.size,
          mode: entry.mode,
          warn: (m) => warn(`${printable(entry.path)} in ${what}: ${m}`),
        });
        if (data === undefined) continue;
        const result: AnalyzerResult = { analyzer: analyzer.name, path: entry.path, layerIndex: layer.index, data };
        out.results.push(result);
        const list = byPath.get(entry.path);
        if (list) list.push(result);
        else byPath.set(entry.path, [result]);
      } catch (e) {
        if (e instanceof BulkheadError && e.code === 'INTERNAL') throw e;
        warn(`${printable(entry.path)} in ${what}: ${analyzer.name} could not read it (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  }
  return out;
}
