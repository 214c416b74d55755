/**
 * The layer-analysis cache shared by every scan worker (the LayerAnalysisCache contract of
 * src/image/layer-cache.ts), kept in the server database's `layer_cache` table (migration
 * 0003_layer_cache): a base layer analysed by one worker is read by all. Rows hold the same gzipped
 * JSON as the file-system cache; a concurrent second write of one layer is ignored (same content).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { LayerAnalysis } from '../../image/walk.js';
import type { LayerAnalysisCache, LayerCacheFactory } from '../../image/layer-cache.js';
import type { StoreSchema } from '../../store/index.js';

interface LayerCacheTable {
  layer_cache: { analyzer_set: string; layer_digest: string; analysis_gz: Buffer; created_at: string };
}

export function pgLayerCache(store: Kysely<StoreSchema>): LayerCacheFactory {
  const db = store as unknown as Kysely<LayerCacheTable>;
  return (analyzerSet: string): LayerAnalysisCache => ({
    async get(digest, layerIndex) {
      const row = await db.selectFrom('layer_cache').select('analysis_gz').where('analyzer_set', '=', analyzerSet).where('layer_digest', '=', digest).executeTakeFirst();
      if (!row) return undefined;
      try {
        const data = JSON.parse(gunzipSync(row.analysis_gz).toString('utf8')) as LayerAnalysis;
        if (!Array.isArray(data.files) || !Array.isArray(data.results)) return undefined;
        // the same layer can sit at another index in another image
        data.layerIndex = layerIndex;
        for (const r of data.results) r.layerIndex = layerIndex;
        return data;
      } catch {
        return undefined;
      }
    },
    async put(digest, analysis) {
      await db
        .insertInto('layer_cache')
        .values({ analyzer_set: analyzerSet, layer_digest: digest, analysis_gz: gzipSync(JSON.stringify(analysis), { level: 1 }), created_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(['analyzer_set', 'layer_digest']).doNothing())
        .execute();
    },
  });
}
