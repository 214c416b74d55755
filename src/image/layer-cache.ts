import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FileAnalyzer } from './analyzer.js';
import type { LayerAnalysis } from './walk.js';

/** Default cache root: `$BULKHEAD_CACHE_DIR`, else `$XDG_CACHE_HOME/bulkhead`, else `~/.cache/bulkhead`. */
export function defaultCacheDir(): string {
  return process.env.BULKHEAD_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bulkhead');
}

/**
 * Where per-layer analysis results are kept, by layer digest. `namespace` is a short hash of every
 * analyser's name and version (see analyzerSetKey): a new analyser version never reads stale data.
 * The file-system cache below is the default; workers sharing PostgreSQL use one kept there, so a
 * layer analysed by any worker is read by all.
 */
export interface LayerAnalysisCache {
  get(digest: string, layerIndex: number): Promise<LayerAnalysis | undefined>;
  put(digest: string, analysis: LayerAnalysis): Promise<void>;
}

/** Builds a layer-analysis cache for one analyser set (its key from analyzerSetKey). */
export type LayerCacheFactory = (analyzerSetKey: string) => LayerAnalysisCache;

/** The short hash naming one set of analysers and their versions. */
export function analyzerSetKey(analyzers: readonly FileAnalyzer[]): string {
  return createHash('sha256')
    .update(analyzers.map((a) => `${a.name}@${a.version}${a.cacheKey ? `#${a.cacheKey}` : ''}`).sort().join(','))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Per-layer analysis results stored by layer digest, so a base layer shared by many images is read
 * once. The key includes every analyser's name and version: a new analyser version never reads stale data.
 */
export class LayerCache implements LayerAnalysisCache {
  private readonly dir: string;

  constructor(root: string, analyzers: readonly FileAnalyzer[]) {
    this.dir = join(root, 'layers', analyzerSetKey(analyzers));
  }

  private file(digest: string): string {
    return join(this.dir, digest.replace(':', '-') + '.json.gz');
  }

  async get(digest: string, layerIndex: number): Promise<LayerAnalysis | undefined> {
    try {
      const data = JSON.parse(gunzipSync(await readFile(this.file(digest))).toString('utf8')) as LayerAnalysis;
      if (!Array.isArray(data.files) || !Array.isArray(data.results)) return undefined;
      // the same layer can sit at another index in another image
      data.layerIndex = layerIndex;
      for (const r of data.results) r.layerIndex = layerIndex;
      return data;
    } catch {
      return undefined;
    }
  }

  /** Written to a temporary name and renamed, so readers never see half a file. */
  async put(digest: string, analysis: LayerAnalysis): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(digest);
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, gzipSync(JSON.stringify(analysis), { level: 1 }));
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }
}
