/**
 * Registry monitoring end to end with real components: Debian's docker-registry sends its push
 * notifications (distribution `docs/notifications.md`) to `bulkhead server` run as a user would; the
 * vulnerable npm fixture (real packages) is pushed with skopeo; the server's vulnerability database is
 * built by `bulkhead db update` from a local mirror of real OSV records. A second registry without
 * notifications is found by polling.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { buildOsvExports, copyOsvData, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';
import { buildOciLayout, pushLayout, startRegistry, type RunningRegistry } from '../harness/registry.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';
import { vulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';
import { requireCommand } from '../harness/exec.js';

const run = promisify(execFile);
let work: string;
let mirror: OsvMirror | undefined;
let server: ServerProcess | undefined;
let notified: RunningRegistry | undefined;
let silent: RunningRegistry | undefined;
let operatorToken: string;
let archivePath: string;

async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, `HTTP ${r.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s\nserver stderr:\n${server?.stderr().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface ImageList {
  total: number;
  items: Array<{ digest: string; repository: string; worstSeverity: string | null; tags: string[] }>;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-server-registry-'));
  const data = copyOsvData(osvDataDir(), join(work, 'data'));
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
  mirror = await serveOsvMirror(await buildOsvExports(data, join(work, 'mirror'), ['npm']));
  const dbPath = join(work, 'vuln.db');
  const update = await runCli(['db', 'update', '--source', mirror.url, '--db', dbPath, '--ecosystems', 'npm']);
  assert.equal(update.code, 0, update.stderr);
  archivePath = (await vulnerableNpmFixture()).archivePath;

  server = await startServerProcess(['--db', dbPath]);
  await json(server.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ci', role: 'operator' }) }), 201);
  operatorToken = (await json<{ token: string }>(server.api('/api/v1/users/ci/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'registry' }) }), 201)).token;
  // the registry's config needs the server's URL and a token, so the server starts first
  notified = await startRegistry({ notifications: { url: `${server.url}/api/v1/registry/notifications`, headers: { Authorization: [`Bearer ${operatorToken}`] } } });
  silent = await startRegistry();
});

after(async () => {
  await server?.stop();
  await notified?.stop();
  await silent?.stop();
  await mirror?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function pushArchive(registry: RunningRegistry, target: string): Promise<void> {
  const skopeo = requireCommand('skopeo', 'skopeo', 'pushing test images');
  await run(skopeo, ['copy', '--dest-tls-verify=false', `docker-archive:${archivePath}`, `docker://${registry.registry}/${target}`]);
}

test('a push is scanned through notifications within 10 s; the same digest under a new tag is not scanned twice', async () => {
  const created = await json<{ id: string; hasSecret: boolean }>(
    server!.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'notified', url: `http://${notified!.registry}`, pollSeconds: 3600 }) }),
    201,
  );
  assert.equal(created.hasSecret, false);
  // the first poll of the empty registry must be over, so only the notification can find the push
  await waitFor('first poll', 10, async () => ((await json<{ lastPolledAt: string | null }>(server!.api(`/api/v1/registries/${created.id}`))).lastPolledAt ? true : undefined));

  await pushArchive(notified!, 'team/app:1');
  const pushedAt = Date.now();
  const repository = `${notified!.registry}/team/app`;
  const image = await waitFor('the pushed image in GET /api/v1/images', 10, async () => {
    const list = await json<ImageList>(server!.api(`/api/v1/images?repository=${encodeURIComponent(repository)}`));
    return list.items[0];
  });
  assert.ok(Date.now() - pushedAt < 10_000);
  const findings = await json<{ total: number; items: Array<{ kind: string; target: { package?: { name: string } } }> }>(server!.api(`/api/v1/images/${image.digest}/findings?kind=vulnerability`));
  assert.ok(findings.total > 0, 'the vulnerable npm packages have findings');
  assert.ok(findings.items.some((f) => f.target.package?.name === 'lodash'));
  assert.ok(image.worstSeverity);

  await pushArchive(notified!, 'team/app:2');
  const detail = await waitFor('the second tag recorded', 10, async () => {
    const d = await json<{ tags: Array<{ tag: string }> }>(server!.api(`/api/v1/images/${image.digest}`));
    return d.tags.some((t) => t.tag === '2') ? d : undefined;
  });
  assert.deepEqual(detail.tags.map((t) => t.tag).sort(), ['1', '2']);
  const scans = await json<unknown[]>(server!.api(`/api/v1/images/${image.digest}/scans`));
  assert.equal(scans.length, 1, 'one scan for one digest');
  const queue = await json<{ stats: { done: number; deduplicated: number } }>(server!.api('/api/v1/scan-queue'));
  assert.equal(queue.stats.done, 1);
  assert.ok(queue.stats.deduplicated >= 1);
});

test('polling finds an image pushed to a registry that sends no notifications', async () => {
  const layout = join(work, 'layout');
  const built = await buildOciLayout(layout, 'v1', [{ layers: [{ 'etc/os-release': 'ID=bulkhead-test\n', 'app/hello.txt': 'hello\n' }] }]);
  await pushLayout(silent!, layout, 'v1', 'quiet/app:v1');
  const created = await json<{ id: string }>(
    server!.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'silent', url: `http://${silent!.registry}`, repositories: ['quiet/*'], pollSeconds: 1 }) }),
    201,
  );
  const digest = built.images[0]!.manifestDigest;
  const image = await waitFor('the polled image', 20, async () => {
    const res = await server!.api(`/api/v1/images/${digest}`);
    return res.status === 200 ? ((await res.json()) as { repository: string; tags: Array<{ tag: string }> }) : undefined;
  });
  assert.equal(image.repository, `${silent!.registry}/quiet/app`);
  assert.deepEqual(image.tags.map((t) => t.tag), ['v1']);
  const registry = await json<{ lastPolledAt: string | null; lastError: string | null }>(server!.api(`/api/v1/registries/${created.id}`));
  assert.ok(registry.lastPolledAt);
  assert.equal(registry.lastError, null);
});

test('registry changes need operate, are audited, and never show the secret', async () => {
  const auditorToken = await (async () => {
    await json(server!.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'auditor', role: 'auditor' }) }), 201);
    return (await json<{ token: string }>(server!.api('/api/v1/users/auditor/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 't' }) }), 201)).token;
  })();
  const body = JSON.stringify({ name: 'private', url: 'http://127.0.0.1:9', username: 'robot', password: 'do-not-show-me-1234', pollSeconds: 3600 });
  await json(server!.api('/api/v1/registries', { method: 'POST', token: auditorToken, headers: { 'content-type': 'application/json' }, body }), 403);
  const created = await json<Record<string, unknown>>(server!.api('/api/v1/registries', { method: 'POST', token: operatorToken, headers: { 'content-type': 'application/json' }, body }), 201);
  assert.equal(created['hasSecret'], true);
  const listed = await (await server!.api('/api/v1/registries', { token: auditorToken })).text();
  assert.ok(!listed.includes('do-not-show-me-1234') && !listed.includes('v1:'), 'no secret, plain or encrypted');
  const audit = await (await server!.api('/api/v1/audit')).text();
  assert.ok(audit.includes('registry.create'));
  assert.ok(audit.includes('auth.denied'));
  assert.ok(!audit.includes('do-not-show-me-1234'));
  assert.ok(!server!.stderr().includes('do-not-show-me-1234'));
});
