/**
 * Against a real PostgreSQL (test/harness/postgres.ts): a scan stored by two attempts of one job at
 * once (a retry racing the expired attempt) leaves one scan row; the shared layer cache returns what
 * was put, re-indexed, and a second put of the same layer is ignored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ImageAnalysis } from '../../catalog/index.js';
import type { ScanResult } from '../../findings/scan-result.js';
import type { LayerAnalysis } from '../../image/walk.js';
import { openStore, type Store } from '../../store/index.js';
import { startPostgres, type PostgresCluster } from '../../../test/harness/postgres.js';
import { pgLayerCache } from './pg-layer-cache.js';
import { recordScanOnce } from './record-once.js';

let cluster: PostgresCluster;
let store: Store;

before(async () => {
  cluster = await startPostgres();
  store = await openStore(await cluster.createDatabase());
});
after(async () => {
  await store?.close();
  await cluster?.stop();
});

function scanOf(digest: string): { result: ScanResult; analysis: ImageAnalysis } {
  const image = { reference: `127.0.0.1:5000/app@${digest}`, manifestDigest: digest, transport: 'registry', layers: [] };
  const result = { schemaVersion: 1, tool: { name: 'bulkhead', version: '0' }, createdAt: new Date().toISOString(), image, packagesScanned: 0, findings: [], summary: {}, options: { scanners: [] }, warnings: [] };
  return { result: result as unknown as ScanResult, analysis: { image, packages: [], warnings: [] } as unknown as ImageAnalysis };
}

test('two attempts storing one digest at once leave one scan', async () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  const outcomes = await Promise.all([1, 2, 3].map(() => recordScanOnce(store.db, { ...scanOf(digest), source: 'registry', repository: '127.0.0.1:5000/app', tags: ['1'] })));
  assert.equal(outcomes.filter((o) => o.created).length, 1);
  assert.equal(new Set(outcomes.map((o) => o.recorded.scanId)).size, 1);
  const rows = await store.db.selectFrom('scans').select('id').where('image_digest', '=', digest).execute();
  assert.equal(rows.length, 1);
});

test('the shared layer cache returns a layer at the index it is read for', async () => {
  const cache = pgLayerCache(store.db)('set1');
  const layer = { layerIndex: 0, files: [], results: [{ layerIndex: 0, analyzer: 'x', path: '/a', data: 1 }] } as unknown as LayerAnalysis;
  await cache.put('sha256:' + 'b'.repeat(64), layer);
  await cache.put('sha256:' + 'b'.repeat(64), layer);
  const read = await cache.get('sha256:' + 'b'.repeat(64), 3);
  assert.equal(read?.layerIndex, 3);
  assert.equal((read?.results[0] as { layerIndex: number }).layerIndex, 3);
  assert.equal(await pgLayerCache(store.db)('set2').get('sha256:' + 'b'.repeat(64), 0), undefined);
});
