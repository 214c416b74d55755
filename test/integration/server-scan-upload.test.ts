/**
 * CI uploads: `bulkhead scan IMAGE --server URL --token T` against `bulkhead server`, both run as a
 * user would. The image is the vulnerable npm fixture (real packages), the database is built from a
 * local mirror of real OSV records. What the server stores is compared with the scan's own JSON report.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { buildOsvExports, copyOsvData, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';
import { vulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';
import type { ScanResult } from '../../src/findings/index.js';

let work: string;
let mirror: OsvMirror | undefined;
let server: ServerProcess | undefined;
let dbPath: string;
let archivePath: string;
const tokens: Record<string, string> = {};

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-scan-upload-'));
  const data = copyOsvData(osvDataDir(), join(work, 'data'));
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
  mirror = await serveOsvMirror(await buildOsvExports(data, join(work, 'mirror'), ['npm']));
  dbPath = join(work, 'vuln.db');
  const update = await runCli(['db', 'update', '--source', mirror.url, '--db', dbPath, '--ecosystems', 'npm']);
  assert.equal(update.code, 0, update.stderr);
  archivePath = (await vulnerableNpmFixture()).archivePath;
  server = await startServerProcess(['--no-background']);
  for (const role of ['operator', 'auditor']) {
    const headers = { 'content-type': 'application/json' };
    assert.equal((await server.api('/api/v1/users', { method: 'POST', headers, body: JSON.stringify({ name: role, role }) })).status, 201);
    const res = await server.api(`/api/v1/users/${role}/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'ci' }) });
    tokens[role] = ((await res.json()) as { token: string }).token;
  }
});

after(async () => {
  await server?.stop();
  await mirror?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('scan --server --token uploads the result and the analysis; the server shows what the report shows', async () => {
  const report = join(work, 'report.json');
  const scan = await runCli(['scan', `docker-archive:${archivePath}`, '--db', dbPath, '--format', 'json', '-o', report, '--server', server!.url], { env: { BULKHEAD_TOKEN: tokens['operator']! } });
  assert.equal(scan.code, 0, scan.stderr);
  assert.ok(!scan.stderr.includes(tokens['operator']!), 'the token is never printed');
  const result = JSON.parse(readFileSync(report, 'utf8')) as ScanResult;
  const digest = result.image.manifestDigest ?? result.image.configDigest!;
  const image = (await (await server!.api(`/api/v1/images/${digest}`)).json()) as { summary: Record<string, number>; layers: unknown[] };
  assert.deepEqual(image.summary, result.summary);
  assert.equal(image.layers.length, result.image.layers.length);
  const findings = (await (await server!.api(`/api/v1/images/${digest}/findings?limit=5000`)).json()) as { total: number; items: Array<{ id: string }> };
  assert.deepEqual(findings.items.map((f) => f.id).sort(), result.findings.map((f) => f.id).sort());
  const packages = (await (await server!.api(`/api/v1/images/${digest}/packages`)).json()) as { packages: Array<{ name: string; version: string }> };
  assert.ok(packages.packages.some((p) => p.name === 'lodash' && p.version === '4.17.15'), 'the analysis was uploaded');
  const scans = (await (await server!.api(`/api/v1/images/${digest}/scans`)).json()) as Array<{ source: string }>;
  assert.deepEqual(scans.map((s) => s.source), ['ci']);
  const summary = (await (await server!.api('/api/v1/summary')).json()) as { images: number; trend: Array<{ date: string; images: number }> };
  assert.equal(summary.images, 1);
  assert.equal(summary.trend.length, 30);
  assert.equal(summary.trend.at(-1)!.images, 1);
});

test('an auditor token is refused with 403 (the CLI exits 5 with one line) and the attempt is audited', async () => {
  const scan = await runCli(['scan', `docker-archive:${archivePath}`, '--db', dbPath, '--format', 'json', '-o', join(work, 'r2.json'), '--server', server!.url, '--token', tokens['auditor']!]);
  assert.equal(scan.code, 5, scan.stderr);
  const line = scan.stderr.split('\n').find((l) => l.includes('refused'));
  assert.ok(line?.includes('HTTP 403'), scan.stderr);
  const audit = (await (await server!.api('/api/v1/audit')).json()) as unknown;
  const text = JSON.stringify(audit);
  assert.ok(text.includes('auth.denied') && text.includes('/api/v1/scans'), text.slice(0, 2000));
});

test('malformed uploads are 400: not the scan-result shape, corrupt gzip', async () => {
  const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
    server!.api('/api/v1/scans', { method: 'POST', token: tokens['operator']!, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const shape = await post(JSON.stringify({ result: { schemaVersion: 1, findings: 'none' } }));
  assert.equal(shape.status, 400, await shape.text());
  const gz = await post(gzipSync(JSON.stringify({ result: { nope: true } })), { 'content-encoding': 'gzip' });
  assert.equal(gz.status, 400);
  const corrupt = await post(Buffer.from('this is not gzip'), { 'content-encoding': 'gzip' });
  assert.equal(corrupt.status, 400, await corrupt.text());
  const notJson = await post('{');
  assert.equal(notJson.status, 400);
});

test('an unreachable server: exit 5 and a one-line reason', async () => {
  const scan = await runCli(['scan', `docker-archive:${archivePath}`, '--db', dbPath, '--format', 'json', '-o', join(work, 'r3.json'), '--server', 'http://127.0.0.1:9', '--token', 'x']);
  assert.equal(scan.code, 5, scan.stderr);
  assert.match(scan.stderr, /unreachable/);
});
