/**
 * Newly disclosed vulnerabilities reach stored images without pulling them again, end to end with
 * real components: Debian's docker-registry notifies `bulkhead server` (run as a user would) of a
 * push of the vulnerable npm fixture; the server scans it with a database that lacks one real OSV
 * record; `bulkhead db update` then adds that record; the server re-matches the stored analysis, the
 * image shows the new finding, an alert reaches a local webhook receiver, and the registry's access
 * log shows no manifest or blob read after the update.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { requireCommand } from '../harness/exec.js';
import { copyOsvData, osvDataDir } from '../harness/osv-mirror.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';
import { vulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';

const exec = promisify(execFile);
const WITHHELD = 'GHSA-p6mc-m468-83gw.json';
let work = '';
let server: ServerProcess | undefined;
let registry: RunningRegistry | undefined;
let receiver: Server | undefined;
const alerts: Array<Record<string, unknown>> = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-registry-rematch-'));
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
});

after(async () => {
  await server?.stop();
  await registry?.stop();
  await new Promise((r) => receiver?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s\nserver stderr:\n${server?.stderr().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a database update alerts on a stored registry image and pulls nothing', { timeout: 240_000 }, async () => {
  // the local OSV source: every real npm record but one
  const data = copyOsvData(osvDataDir(), join(work, 'all'));
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
  const source = join(work, 'source', 'npm');
  mkdirSync(source, { recursive: true });
  const withheld = join(data, 'npm', WITHHELD);
  for (const name of (await import('node:fs')).readdirSync(join(data, 'npm'))) if (name !== WITHHELD && name.endsWith('.json')) copyFileSync(join(data, 'npm', name), join(source, name));
  const record = JSON.parse(readFileSync(withheld, 'utf8')) as { id: string; aliases?: string[] };
  const ids = [record.id, ...(record.aliases ?? [])];
  const dbPath = join(work, 'vuln.db');
  const first = await runCli(['db', 'update', '--source', join(work, 'source'), '--db', dbPath]);
  assert.equal(first.code, 0, first.stderr);

  server = await startServerProcess(['--db', dbPath, '--db-watch', '1', '--webhook', `http://127.0.0.1:${(receiver!.address() as { port: number }).port}/alerts`]);
  const user = await server.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'registry', role: 'operator' }) });
  assert.equal(user.status, 201);
  const { token } = (await (await server.api('/api/v1/users/registry/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'notifications' }) })).json()) as { token: string };
  registry = await startRegistry({ notifications: { url: `${server.url}/api/v1/registry/notifications`, headers: { Authorization: [`Bearer ${token}`] } } });
  const created = await server.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'local', url: `http://${registry.registry}`, pollSeconds: 3600 }) });
  assert.equal(created.status, 201);

  const archive = (await vulnerableNpmFixture()).archivePath;
  const skopeo = requireCommand('skopeo', 'skopeo', 'pushing test images');
  await exec(skopeo, ['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${registry.registry}/team/app:1`]);
  const image = await waitFor('the pushed image scanned', 30, async () => {
    const list = (await (await server!.api('/api/v1/images')).json()) as { items: Array<{ digest: string }> };
    return list.items[0];
  });
  const findingIds = async (): Promise<string[]> => {
    const page = (await (await server!.api(`/api/v1/images/${image.digest}/findings?kind=vulnerability&limit=1000`)).json()) as { items: Array<{ id: string; vulnerability?: { ids: string[] } }> };
    return page.items.flatMap((f) => [f.id, ...(f.vulnerability?.ids ?? [])]);
  };
  assert.ok(!(await findingIds()).some((id) => ids.includes(id)), 'the withheld advisory is not known yet');

  // everything the registry served so far; after the update, nothing more may be read
  const logBefore = registry.log().length;
  copyFileSync(withheld, join(source, WITHHELD));
  const second = await runCli(['db', 'update', '--source', join(work, 'source'), '--db', dbPath]);
  assert.equal(second.code, 0, second.stderr);

  const alert = await waitFor('an alert at the webhook', 30, async () => alerts.find((a) => ids.some((id) => JSON.stringify(a).includes(id))));
  assert.match(JSON.stringify(alert), new RegExp(image.digest.replace(':', ':')));
  assert.ok((await findingIds()).some((id) => ids.includes(id)), 'the image shows the new finding');
  const scans = (await (await server.api(`/api/v1/images/${image.digest}/scans`)).json()) as Array<{ source: string }>;
  assert.ok(scans.some((s) => s.source === 'rematch'), JSON.stringify(scans));
  const reads = /(GET|HEAD) \/v2\/[^ "]+\/(blobs|manifests)\//;
  assert.match(registry.log().slice(0, logBefore), reads, 'the access log records reads (the first scan pulled the image)');
  const after = registry.log().slice(logBefore);
  assert.doesNotMatch(after, reads, `the registry served image data after the update:\n${after}`);
});
