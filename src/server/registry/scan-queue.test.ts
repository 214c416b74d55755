import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import type { ScanResult } from '../../findings/scan-result.js';
import type { ImageAnalysis } from '../../catalog/index.js';
import { ScanQueue, type ScanJob } from './scan-queue.js';

function resultFor(job: ScanJob): { result: ScanResult; analysis: ImageAnalysis } {
  const image = { reference: job.reference, transport: 'registry', manifestDigest: job.digest, layers: [], labels: {} };
  const result = { schemaVersion: 1, tool: { name: 'bulkhead', version: '0' }, createdAt: new Date().toISOString(), image, packagesScanned: 0, findings: [], summary: {}, options: { scanners: [] }, warnings: [] };
  return { result: result as unknown as ScanResult, analysis: { image, packages: [], warnings: [] } as unknown as ImageAnalysis };
}

test('scan queue: one scan per digest, new tags recorded, failures kept with the job', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-queue-'));
  const store = await openStore(join(dir, 'server.db'));
  try {
    const scanned: string[] = [];
    const queue = new ScanQueue({
      db: store.db,
      run: async (job) => {
        scanned.push(job.reference);
        if (job.reference.includes('broken')) throw new Error('manifest unknown');
        await new Promise((r) => setTimeout(r, 20));
        return resultFor(job);
      },
    });
    const events: string[] = [];
    queue.onScanned.push((e) => void events.push(e.recorded.imageDigest));
    queue.start();
    const digest = 'sha256:' + 'a'.repeat(64);
    const job = (tags: string[]): ScanJob => ({ reference: `127.0.0.1:5000/app@${digest}`, repository: '127.0.0.1:5000/app', tags, digest });
    await queue.enqueue(job(['1']));
    const whileRunning = await queue.enqueue(job(['2']));
    assert.equal(whileRunning.state, 'deduplicated');
    await queue.idle();
    const later = await queue.enqueue(job(['3']));
    assert.equal(later.state, 'deduplicated');
    const failed = await queue.enqueue({ reference: '127.0.0.1:5000/broken@sha256:' + 'b'.repeat(64), repository: '127.0.0.1:5000/broken', tags: ['x'], digest: 'sha256:' + 'b'.repeat(64) });
    await queue.idle();
    assert.equal(scanned.length, 2);
    assert.deepEqual(events, [digest]);
    const tags = await store.db.selectFrom('image_tags').select('tag').where('digest', '=', digest).orderBy('tag').execute();
    assert.deepEqual(tags.map((t) => t.tag), ['1', '2', '3']);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error, 'manifest unknown');
    assert.deepEqual(queue.stats(), { queued: 0, running: 0, done: 1, failed: 1, deduplicated: 2 });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
