/**
 * Scale-out (issue 10 B.4) with real parts on loopback: PostgreSQL, a registry, two `bulkhead
 * server` replicas in external-worker mode and two `bulkhead worker` processes. 200 images are
 * announced through both replicas (80 of them through both), each is scanned exactly once; then a
 * worker is SIGKILLed while it scans a slow image, and the other one finishes the retried job with
 * one stored scan. Throughput is measured in bench/scale-out.ts, not asserted here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { REPO_ROOT } from '../harness/cli.js';
import { startScaleOutCluster, type ScaleOutCluster } from '../harness/scale-out-cluster.js';
import type { ServerProcess } from '../harness/server-process.js';
import { pushSlowImage, pushSyntheticImages } from '../harness/synthetic-images.js';
import type { WorkerProcess } from '../harness/worker-process.js';

let cluster: ScaleOutCluster;
let client: pg.Client;

before(async () => {
  cluster = await startScaleOutCluster();
});
after(async () => {
  await client?.end();
  await cluster?.stop();
});

async function until<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; ; ) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('two replicas and two workers scan 200 images exactly once, and a SIGKILLed job is retried', { timeout: 240_000 }, async () => {
  const one: ServerProcess = await cluster.startReplica();
  const two: ServerProcess = await cluster.startReplica();
  const workers: WorkerProcess[] = [await cluster.startWorker(['--job-timeout', '15', '--maintenance', '1']), await cluster.startWorker(['--job-timeout', '15', '--maintenance', '1'])];
  client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();

  // configured before anything is pushed: its first poll finds an empty catalog, the next is days away
  const created = await one.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'local', url: `http://${cluster.registry.registry}`, repositories: ['scale/*'], pollSeconds: 7 * 86_400 }) });
  assert.equal(created.status, 201);
  // the other replica serves the same data (stateless: one database, one key)
  const listed = (await (await two.api('/api/v1/registries')).json()) as Array<{ name: string }>;
  assert.deepEqual(listed.map((r) => r.name), ['local']);

  const images = await pushSyntheticImages(cluster.registry.registry, 'scale/app', 200);
  assert.equal(new Set(images.map((i) => i.digest)).size, 200);
  await Promise.all([cluster.notify(one, one.adminToken, images.slice(0, 120)), cluster.notify(two, two.adminToken, images.slice(80))]);
  // the Helm chart's KEDA trigger counts waiting and running jobs with this query: it must run
  // against the queue's real schema and see the work
  const kedaQuery = /query: "([^"]+)"/u.exec(readFileSync(join(REPO_ROOT, 'deploy/helm/bulkhead/templates/worker.yaml'), 'utf8'))![1]!;
  const depthNow = Number(Object.values((await client.query(kedaQuery)).rows[0] as Record<string, string>)[0]);
  assert.ok(depthNow > 0 && depthNow <= 200, `queue depth while scanning: ${depthNow}`);

  const stats = await until('200 scans done', 150, async () => {
    const body = (await (await two.api('/api/v1/scan-queue')).json()) as { stats: { queued: number; running: number; done: number; failed: number } };
    return body.stats.queued + body.stats.running === 0 && body.stats.done + body.stats.failed >= 200 ? body.stats : undefined;
  });
  assert.equal(stats.failed, 0);
  assert.equal(stats.done, 200);
  assert.equal(Number(Object.values((await client.query(kedaQuery)).rows[0] as Record<string, string>)[0]), 0, 'queue depth once done');
  const completed = await client.query<{ n: string }>("SELECT count(*) AS n FROM pgboss.job WHERE name = 'bulkhead_scan' AND state = 'completed'");
  assert.equal(Number(completed.rows[0]!.n), 200);
  const perDigest = await client.query<{ image_digest: string; n: string }>('SELECT image_digest, count(*) AS n FROM scans GROUP BY image_digest');
  assert.deepEqual(new Set(perDigest.rows.map((r) => r.image_digest)), new Set(images.map((i) => i.digest)));
  assert.ok(perDigest.rows.every((r) => Number(r.n) === 1), 'one stored scan per digest');
  // the scans are real: the images with the lockfile have lodash findings, the others none
  const vulnerable = await client.query<{ image_digest: string }>("SELECT DISTINCT image_digest FROM findings WHERE kind = 'vulnerability' AND package_name = 'lodash'");
  assert.deepEqual(new Set(vulnerable.rows.map((r) => r.image_digest)), new Set(images.filter((i) => i.vulnerable).map((i) => i.digest)));
  // both workers took part, and the shared layer cache holds the base layer once
  for (const worker of workers) assert.match(worker.stderr(), /job finished/u);
  const cached = await client.query<{ n: string }>('SELECT count(*) AS n FROM layer_cache');
  assert.ok(Number(cached.rows[0]!.n) >= 201, `layer cache rows: ${cached.rows[0]!.n}`);
  // a tag announced again for a stored digest is recorded, not scanned
  const retag = { ...images[0]!, tag: 'again' };
  await cluster.notify(two, two.adminToken, [retag]);
  const tag = await client.query<{ digest: string }>("SELECT digest FROM image_tags WHERE repository = $1 AND tag = 'again'", [`${cluster.registry.registry}/scale/app`]);
  assert.equal(tag.rows[0]?.digest, images[0]!.digest);

  // SIGKILL the worker that took the slow image; the other finishes the retried job
  const slow = await pushSlowImage(cluster.registry.registry, 'scale/slow', 'big', 30_000);
  await cluster.notify(one, one.adminToken, [{ repository: 'scale/slow', tag: 'big', digest: slow, vulnerable: false }]);
  const holder = await Promise.any(workers.map(async (w) => (await w.waitFor(new RegExp(`job started \\S+ \\S+scale/slow@${slow}`, 'u'), 60), w)));
  const survivor = workers.find((w) => w !== holder)!;
  holder.child.kill('SIGKILL');
  await until('the slow job completed', 90, async () => {
    const { rows } = await client.query<{ state: string; retry_count: number }>("SELECT state, retry_count FROM pgboss.job WHERE name = 'bulkhead_scan' AND singleton_key = $1", [slow]);
    return rows.length === 1 && rows[0]!.state === 'completed' ? rows[0] : undefined;
  }).then((row) => assert.ok(row.retry_count >= 1, 'the job was retried'));
  assert.match(survivor.stderr(), new RegExp(`job finished \\S+ \\S+scale/slow@${slow}`, 'u'));
  const slowScans = await client.query<{ n: string }>('SELECT count(*) AS n FROM scans WHERE image_digest = $1', [slow]);
  assert.equal(Number(slowScans.rows[0]!.n), 1);
  const total = await client.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT image_digest) AS d FROM scans');
  assert.equal(total.rows[0]!.n, total.rows[0]!.d, 'no digest has two scans');

  // the audit chain written by both replicas verifies, read through either
  for (const replica of [one, two]) {
    const audit = (await (await replica.api('/api/v1/audit/verify')).json()) as { ok: boolean; rows: number };
    assert.equal(audit.ok, true);
    assert.ok(audit.rows >= 1, `audit rows: ${audit.rows}`);
  }
});
