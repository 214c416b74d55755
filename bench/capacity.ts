/**
 * Figures for docs/capacity.md, on real components: a PostgreSQL, a registry, one server replica and
 * one worker. The Debian test fixture (a real Debian image with a few hundred packages) is pushed
 * as BENCH_COPIES distinct images (a label each: a new config, so a new digest, over the same layers):
 * the first scan reads the layers (cold), the others find them in the shared layer cache (warm), as
 * most images of one organisation share a few bases. Prints the
 * database bytes per stored image and the cold and warm job times (from the queue's own started and
 * completed stamps). Never asserts.
 */
import pg from 'pg';
import { debianFixture, ensureFixtureInDaemon } from '../test/harness/fixtures.js';
import { run } from '../test/harness/exec.js';
import { startScaleOutCluster } from '../test/harness/scale-out-cluster.js';

const COPIES = Number(process.env['BENCH_COPIES'] ?? 8);
const fixture = await debianFixture();
const cluster = await startScaleOutCluster();
const client = new pg.Client({ connectionString: cluster.databaseUrl });

/** Bytes of the tables a stored scan writes (the queue's job rows live in pgboss partitions). */
async function databaseBytes(): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'm') AND s.nspname IN ('public', 'pgboss')`,
  );
  return Number(rows[0]!.n);
}

try {
  const server = await cluster.startReplica();
  await client.connect();
  const created = await server.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'local', url: `http://${cluster.registry.registry}`, repositories: ['capacity/*'], pollSeconds: 7 * 86_400 }) });
  if (created.status !== 201) throw new Error(`registry: HTTP ${created.status}`);
  // COPIES distinct images over the fixture's layers, built by the Docker daemon and pushed to the registry
  const base = await ensureFixtureInDaemon(fixture);
  const images: Array<{ repository: string; tag: string; digest: string; vulnerable: boolean }> = [];
  for (let i = 0; i < COPIES; i++) {
    const repository = `capacity/app-${i}`;
    const ref = `${cluster.registry.registry}/${repository}:1`;
    await run('bash', ['-c', 'printf "FROM %s\\nLABEL bench.copy=%s\\n" "$1" "$2" | DOCKER_BUILDKIT=0 docker build -q --network none -t "$3" - >/dev/null', 'build', base, String(i), ref]);
    await run('docker', ['push', '-q', ref]);
    const digest = (await run('docker', ['image', 'inspect', '-f', '{{range .RepoDigests}}{{println .}}{{end}}', ref])).stdout.split('\n').find((d) => d.startsWith(`${cluster.registry.registry}/${repository}@`))!.split('@')[1]!;
    images.push({ repository, tag: '1', digest, vulnerable: false });
    await run('docker', ['rmi', ref]);
  }
  const distinct = new Set(images.map((i) => i.digest)).size;
  const before = await databaseBytes();
  const worker = await cluster.startWorker(['--job-timeout', '600', '--maintenance', '5']);
  // one after another, so the first is cold and the rest warm
  await cluster.notify(server, server.adminToken, images.slice(0, 1));
  const waitFor = async (n: number) => {
    for (;;) {
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pgboss.job WHERE name = 'bulkhead_scan' AND state IN ('completed', 'failed')");
      if (Number(rows[0]!.n) >= n) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await waitFor(1);
  await cluster.notify(server, server.adminToken, images.slice(1));
  await waitFor(distinct);
  await worker.stop();
  const after = await databaseBytes();
  const { rows } = await client.query<{ ms: string; state: string }>(
    "SELECT extract(epoch FROM (completed_on - started_on)) * 1000 AS ms, state FROM pgboss.job WHERE name = 'bulkhead_scan' ORDER BY created_on",
  );
  const times = rows.map((r) => Number(r.ms));
  const warm = times.slice(1).sort((a, b) => a - b);
  const lines = [
    `Capacity figures (Debian fixture, ${fixture.references.dpkg.length} Debian packages and its language packages; ${distinct} distinct images sharing its layers; 1 worker, 2 cores shared with PostgreSQL, registry and server)`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| database bytes per stored image (public + pgboss schemas, indexes included) | ${((after - before) / distinct / 1024).toFixed(1)} KiB |`,
    `| job time, cold (base layer read from the registry and analysed) | ${(times[0]! / 1000).toFixed(2)} s |`,
    `| job time, warm (base layer from the shared cache), median of ${warm.length} | ${((warm[Math.floor(warm.length / 2)] ?? NaN) / 1000).toFixed(2)} s |`,
    `| jobs failed | ${rows.filter((r) => r.state === 'failed').length} |`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  await client.end().catch(() => undefined);
  await cluster.stop();
}
