/**
 * Policy and signature status of stored images, end to end with real components: `bulkhead server`
 * run as a user would, Debian's docker-registry holding the vulnerable npm fixture (real packages,
 * matched against a database built by `bulkhead db update` from real OSV records), a key pair made
 * and a signature pushed by the real CLI (`bulkhead key generate`, `bulkhead sign`), and a local
 * webhook receiving the `policy-fail` alert.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { requireCommand } from '../harness/exec.js';
import { buildOsvExports, copyOsvData, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';
import { vulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';

const run = promisify(execFile);
const PASS = 'verdict-test-passphrase';
let work: string;
let mirror: OsvMirror | undefined;
let server: ServerProcess | undefined;
let registry: RunningRegistry | undefined;
let receiver: Server | undefined;
const received: Array<{ kind: string; title: string; image?: { digest: string }; details: { failedRules?: Array<{ rule: string }> } }> = [];

interface ImageDetail {
  digest: string;
  signatureStatus: string;
  policyStatus: string;
  policy: { status: string; signatureStatus: string; verdicts: Array<{ policyName: string; policyVersion: number; verdict: string; failedRules: Array<{ rule: string; evidence: string[] }> }> };
}

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

before(async () => {
  const skopeo = requireCommand('skopeo', 'skopeo', 'pushing the test image');
  work = mkdtempSync(join(tmpdir(), 'bulkhead-server-verdicts-'));
  const data = copyOsvData(osvDataDir(), join(work, 'data'));
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
  mirror = await serveOsvMirror(await buildOsvExports(data, join(work, 'mirror'), ['npm']));
  const dbPath = join(work, 'vuln.db');
  const update = await runCli(['db', 'update', '--source', mirror.url, '--db', dbPath, '--ecosystems', 'npm']);
  assert.equal(update.code, 0, update.stderr);

  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  const address = receiver.address() as { port: number };

  registry = await startRegistry();
  const { archivePath } = await vulnerableNpmFixture();
  await run(skopeo, ['copy', '--dest-tls-verify=false', `docker-archive:${archivePath}`, `docker://${registry.registry}/team/app:1`]);

  const made = await runCli(['key', 'generate', '--output-key-prefix', join(work, 'signer')], { env: { BULKHEAD_PASSWORD: PASS } });
  assert.equal(made.code, 0, made.stderr);
  const other = await runCli(['key', 'generate', '--output-key-prefix', join(work, 'other')], { env: { BULKHEAD_PASSWORD: PASS } });
  assert.equal(other.code, 0, other.stderr);

  server = await startServerProcess(['--db', dbPath, '--webhook', `http://127.0.0.1:${address.port}/hook`]);
  // the server keeps no policy folder: a relative key path is read from its state folder
  copyFileSync(join(work, 'signer.pub'), join(server.stateDir, 'signer.pub'));
});

after(async () => {
  await server?.stop();
  await registry?.stop();
  await mirror?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Requires a signature by signer.pub (a path in the state folder) or by another key written inline, and nothing above high. */
function policyYaml(): string {
  const inline = readFileSync(join(work, 'other.pub'), 'utf8').trim().split('\n').map((l) => `        ${l}`).join('\n');
  return `version: 1\nvulnerabilities:\n  maxSeverity: high\ntrust:\n  signatures:\n    keys:\n      - signer.pub\n      - |\n${inline}\n`;
}

async function savePolicy(): Promise<number> {
  const saved = await json<{ version: number }>(server!.api('/api/v1/policies/gate', { method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: policyYaml() }));
  return saved.version;
}

test('an unsigned image fails the policy naming its rules and alerts; once signed, re-evaluation shows it verified', async () => {
  assert.equal(await savePolicy(), 1);
  await json(server!.api('/api/v1/registries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'local', url: `http://${registry!.registry}`, pollSeconds: 3600 }) }), 201);
  const repository = `${registry!.registry}/team/app`;
  const listed = await waitFor('the polled image', 60, async () => {
    const list = await json<{ items: Array<{ digest: string; policyStatus: string }> }>(server!.api(`/api/v1/images?repository=${encodeURIComponent(repository)}`));
    return list.items[0]?.policyStatus !== undefined && list.items[0].policyStatus !== 'unknown' ? list.items[0] : undefined;
  });

  const first = await json<ImageDetail>(server!.api(`/api/v1/images/${listed.digest}`));
  assert.equal(first.signatureStatus, 'unsigned');
  assert.equal(first.policyStatus, 'fail');
  assert.equal(first.policy.status, 'fail');
  assert.equal(first.policy.verdicts.length, 1);
  const verdict = first.policy.verdicts[0]!;
  assert.deepEqual([verdict.policyName, verdict.policyVersion, verdict.verdict], ['gate', 1, 'fail']);
  assert.deepEqual(verdict.failedRules.map((r) => r.rule).sort(), ['signature', 'vulnerability-severity']);
  assert.match(verdict.failedRules.find((r) => r.rule === 'signature')!.evidence.join('\n'), /no signature found/u);

  const alert = await waitFor('the policy-fail alert at the webhook', 20, async () => received.find((a) => a.kind === 'policy-fail' && a.image?.digest === listed.digest));
  assert.match(alert.title, new RegExp(`^${repository.replace(/[.]/gu, '\\.')}:1 fails policy gate v1 \\(`, 'u'));
  assert.ok(alert.title.includes('signature') && alert.title.includes('vulnerability-severity'), alert.title);

  const signed = await runCli(['sign', `${repository}@${listed.digest}`, '--key', join(work, 'signer.key')], { env: { BULKHEAD_PASSWORD: PASS } });
  assert.equal(signed.code, 0, signed.stderr);
  // saving the policy again judges every stored image again, signatures looked up anew
  assert.equal(await savePolicy(), 2);
  const after = await waitFor('the signed image verified', 30, async () => {
    const d = await json<ImageDetail>(server!.api(`/api/v1/images/${listed.digest}`));
    return d.signatureStatus === 'verified' ? d : undefined;
  });
  assert.equal(after.policy.verdicts[0]!.policyVersion, 2);
  assert.deepEqual(after.policy.verdicts[0]!.failedRules.map((r) => r.rule), ['vulnerability-severity'], 'the vulnerabilities still fail the policy');
  assert.equal(after.policyStatus, 'fail');
  // still failing: no second alert for the same image
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(received.filter((a) => a.kind === 'policy-fail' && a.image?.digest === listed.digest).length, 1);
});
