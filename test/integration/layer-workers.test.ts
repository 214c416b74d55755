/**
 * Layers analysed on worker threads give exactly what the same analysis gives on the main thread,
 * for local archives (workers read the file) and for a registry (bytes cross threads in batches).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage, type ImageAnalysis } from '../../src/index.js';
import { debianFixture, pushToRegistry } from '../harness/fixtures.js';
import { startRegistry } from '../harness/registry.js';

const view = (a: ImageAnalysis) => ({
  packages: a.packages.map((p) => `${p.purl} ${p.locations.map((l) => `${l.path}@${l.layerIndex}`).join(',')} ${p.ownedBy?.name ?? ''}`).sort(),
  files: [...a.files!.all()].map((f) => `${f.path} ${f.type} ${f.size} ${f.layerIndex}`).sort(),
  hidden: a.files!.hidden.length,
  warnings: [...a.warnings].sort(),
});

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});

test('docker-archive: workers and main thread agree', async () => {
  const fixture = await debianFixture();
  const ref = `docker-archive:${fixture.archivePath}`;
  const inThread = await analyzeImage(ref, { cacheDir: false, workers: false });
  const inWorkers = await analyzeImage(ref, { cacheDir: false });
  assert.ok(inThread.packages.length > 200);
  assert.deepEqual(view(inWorkers), view(inThread));
});

test('registry: workers and main thread agree', async () => {
  const fixture = await debianFixture();
  const registry = await startRegistry({ auth: 'none' });
  stops.push(() => registry.stop());
  const { oci } = await pushToRegistry(fixture, registry);
  const inThread = await analyzeImage(oci, { cacheDir: false, workers: false });
  const inWorkers = await analyzeImage(oci, { cacheDir: false });
  assert.deepEqual(view(inWorkers), view(inThread));
});
