/**
 * API latency under a loopback load: the real server process (SQLite, then PostgreSQL from the
 * test harness) with stored scans of a real image (the vulnerable npm fixture scanned against the
 * repository's OSV data), then autocannon (10 s, 10 connections, one API token: the verifier's
 * cache keeps scrypt off the hot path) on GET /api/v1/images and GET /api/v1/policies.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeImage, type ImageAnalysis } from '../src/catalog/index.js';
import { scanAnalysis } from '../src/scan/index.js';
import { recordScan } from '../src/server/inventory/index.js';
import { openStore } from '../src/store/index.js';
import { openVulnDb, updateVulnDb } from '../src/vuln/index.js';
import { REPO_ROOT } from '../test/harness/cli.js';
import { copyOsvData, osvDataDir } from '../test/harness/osv-mirror.js';
import { startPostgres } from '../test/harness/postgres.js';
import { startServerProcess } from '../test/harness/server-process.js';
import { vulnerableNpmFixture } from '../test/harness/vulnerable-npm-fixture.js';

const IMAGES = Number(process.env['BENCH_API_IMAGES'] ?? 50);
const SECONDS = Number(process.env['BENCH_API_SECONDS'] ?? 10);
const CONNECTIONS = 10;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number; headers: Record<string, string> }) => Promise<AutocannonResult>;

// autocannon ships no types; the few fields read are declared above
const autocannonModule = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

async function seed(location: string, analysis: ImageAnalysis, dbPath: string): Promise<void> {
  const store = await openStore(location);
  const vulnDb = openVulnDb(dbPath);
  try {
    const result = scanAnalysis(analysis, vulnDb, { scanners: ['vuln', 'secret', 'config'] });
    for (let i = 0; i < IMAGES; i++) {
      const digest = `sha256:${(i + 1).toString(16).padStart(64, '0')}`;
      const copy = structuredClone(result);
      copy.image = { ...copy.image, reference: `bench.local/app-${i}:v1`, manifestDigest: digest };
      await recordScan(store.db, { result: copy, analysis: { ...analysis, image: { ...analysis.image, manifestDigest: digest } }, source: 'ci', tags: ['v1'] });
    }
  } finally {
    vulnDb.close();
    await store.close();
  }
}

async function load(label: string, databaseArgs: string[], stateDir: string): Promise<void> {
  const server = await startServerProcess(['--no-background', ...databaseArgs], { stateDir });
  try {
    const put = await server.api('/api/v1/policies/default', { method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: 'version: 1\nname: default\n' });
    if (put.status !== 200) throw new Error(`bench: policy PUT answered ${put.status}: ${await put.text()}`);
    for (const path of ['/api/v1/images', '/api/v1/policies']) {
      const probe = await server.api(path);
      const body = await probe.text();
      if (probe.status !== 200) console.log(`${label} GET ${path}: ${probe.status} (${body.slice(0, 80)}); measured anyway`);
      const result = await autocannon({ url: server.url + path, connections: CONNECTIONS, duration: SECONDS, headers: { authorization: `Bearer ${server.adminToken}` } });
      console.log(
        `${`${label} GET ${path}`.padEnd(36)} ${result.requests.average.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms` +
          `  (${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${(body.length / 1024).toFixed(1)} KiB each)`,
      );
    }
    await ingestion(label, server);
  } finally {
    await server.stop();
  }
}

/** Agent event ingestion: batches of 500 drift events from 4 hosts in parallel, as agents send them. */
async function ingestion(label: string, server: Awaited<ReturnType<typeof startServerProcess>>): Promise<void> {
  const BATCH = 500;
  const BATCHES = Number(process.env['BENCH_INGEST_BATCHES'] ?? 20);
  const hosts = ['h1', 'h2', 'h3', 'h4'];
  const event = (seq: number) => ({
    time: new Date().toISOString(),
    type: 'drift',
    severity: 'high',
    rule: 'BH-RT-100',
    container: { id: 'c'.repeat(64), name: 'web-1', image: 'registry.example/web:1', imageDigest: 'sha256:' + 'a'.repeat(64) },
    process: { pid: 1000 + seq, path: '/tmp/x', cmdline: ['/tmp/x'] },
    action: 'blocked-at-exec',
    reason: 'not in image: /tmp/x was created in the container',
  });
  const started = performance.now();
  let stored = 0;
  await Promise.all(
    hosts.map(async (id) => {
      for (let b = 0; b < BATCHES; b++) {
        const events = Array.from({ length: BATCH }, (_, i) => ({ seq: b * BATCH + i + 1, event: event(b * BATCH + i) }));
        const r = await server.api('/api/v1/agent/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ host: { id, name: id, agentVersion: 'bench', facts: {} }, events }),
        });
        if (r.status !== 200) throw new Error(`bench: event batch answered ${r.status}: ${await r.text()}`);
        stored += ((await r.json()) as { stored: number }).stored;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${`${label} agent events ingested`.padEnd(36)} ${(stored / seconds).toFixed(0).padStart(6)} events/s  (${stored} events, batches of ${BATCH}, ${hosts.length} hosts in parallel, ${seconds.toFixed(1)} s)`);
}

const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-api-'));
try {
  const source = join(work, 'osv');
  copyOsvData(osvDataDir(), source);
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), source);
  const dbPath = join(work, 'vuln.db');
  await updateVulnDb({ dbPath, source });
  const analysis = await analyzeImage(`docker-archive:${(await vulnerableNpmFixture()).archivePath}`, { cacheDir: false });

  console.log(`\nAPI latency on loopback (${IMAGES} stored images, autocannon ${CONNECTIONS} connections, ${SECONDS} s each)`);
  const sqliteState = join(work, 'sqlite');
  mkdirSync(sqliteState, { mode: 0o700 });
  await seed(join(sqliteState, 'server.db'), analysis, dbPath);
  await load('sqlite', [], sqliteState);

  const cluster = await startPostgres();
  try {
    const url = await cluster.createDatabase();
    const pgState = join(work, 'postgres');
    mkdirSync(pgState, { mode: 0o700 });
    await seed(url, analysis, dbPath);
    await load('postgres', ['--database', url], pgState);
  } finally {
    await cluster.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
