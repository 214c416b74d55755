/**
 * Scan throughput of the scale-out arrangement (issue 10 B.4: two workers ≥ 1.6× one): a real
 * PostgreSQL, a registry, one server replica in external-worker mode; N small distinct images
 * (BENCH_IMAGES, default 100; see test/harness/synthetic-images.ts) announced at once and scanned by
 * one worker, then N others by two workers. Prints jobs/s for each, the ratio, and the database's
 * size per stored image (pg_total_relation_size of the tables a scan writes), for the capacity note.
 * Never asserts timings.
 */
import pg from 'pg';
import { startScaleOutCluster } from '../test/harness/scale-out-cluster.js';
import { pushSyntheticImages } from '../test/harness/synthetic-images.js';

const N = Number(process.env['BENCH_IMAGES'] ?? 100);

const cluster = await startScaleOutCluster();
const client = new pg.Client({ connectionString: cluster.databaseUrl });
try {
  const server = await cluster.startReplica();
  await client.connect();
  const created = await server.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'local', url: `http://${cluster.registry.registry}`, repositories: ['bench/*'], pollSeconds: 7 * 86_400 }) });
  if (created.status !== 201) throw new Error(`registry: HTTP ${created.status}`);

  const round = async (workers: number, repository: string): Promise<number> => {
    const images = await pushSyntheticImages(cluster.registry.registry, repository, N);
    const started = await Promise.all(Array.from({ length: workers }, () => cluster.startWorker(['--job-timeout', '300', '--maintenance', '5'])));
    const t0 = performance.now();
    await cluster.notify(server, server.adminToken, images);
    for (;;) {
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pgboss.job WHERE name = 'bulkhead_scan' AND state IN ('completed', 'failed') AND data->>'repository' LIKE $1", [`%/${repository}`]);
      if (Number(rows[0]!.n) >= N) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(started.map((w) => w.stop()));
    return N / seconds;
  };

  const one = await round(1, 'bench/one');
  const two = await round(2, 'bench/two');
  const tables = ['scans', 'findings', 'images', 'image_tags', 'layer_cache', 'image_verdicts', 'pgboss.job'];
  const sizes = await client.query<{ t: string; bytes: string }>(`SELECT t, pg_total_relation_size(t::regclass) AS bytes FROM unnest($1::text[]) AS t`, [tables]);
  const stored = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM images')).rows[0]!.n);
  const total = sizes.rows.reduce((sum, r) => sum + Number(r.bytes), 0);
  process.stdout.write(`scale-out: ${N} images per round on ${cluster.registry.registry}\n`);
  process.stdout.write(`  1 worker : ${one.toFixed(2)} jobs/s\n`);
  process.stdout.write(`  2 workers: ${two.toFixed(2)} jobs/s\n`);
  process.stdout.write(`  ratio 2/1: ${(two / one).toFixed(2)}x (target ≥ 1.6x)\n`);
  process.stdout.write(`  database: ${(total / 1024).toFixed(0)} KiB for ${stored} images = ${(total / stored / 1024).toFixed(1)} KiB per image (${sizes.rows.map((r) => `${r.t} ${(Number(r.bytes) / 1024).toFixed(0)} KiB`).join(', ')})\n`);
} finally {
  await client.end().catch(() => undefined);
  await cluster.stop();
}
