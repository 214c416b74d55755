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
 * Per-layer analysis results stored by layer digest, so a base layer shared by many images is read
 * once. The key includes every analyser's name and version: a new analyser version never reads stale data.
 */
export class LayerCache {
  private readonly dir: string;

  constructor(root: string, analyzers: readonly FileAnalyzer[]) {
    const key = createHash('sha256')
      .update(analyzers.map((a) => `${a.name}@${a.version}${a.cacheKey ? `#${a.cacheKey}` : ''}`).sort().join(','))
      .digest('hex')
      .slice(0, 16);
    this.dir = join(root, 'layers', key);
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
