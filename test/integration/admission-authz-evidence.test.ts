/**
 * The image evidence of `bulkhead authz` (src/admission/docker/image-evidence.ts) against real
 * components: images pushed with skopeo to a loopback registry (Debian docker-registry), pulled by a
 * second dockerd of this test's own started with `--authorization-plugin`, signed with `bulkhead
 * sign`, scanned against a DB made by `bulkhead db update` from demo/osv. The docker CLI's own error
 * text names the rule; the events file shows what the plugin's cache answered.
 *
 * The plugin is named `bulkhead-evidence` (its own socket), so this file and admission-authz.test.ts
 * can run side by side.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { cliCommand, REPO_ROOT, runCli } from '../harness/cli.js';
import { ensureDocker, pingDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';

const PLUGIN = 'bulkhead-evidence';
const PLUGIN_SOCKET = `/run/docker/plugins/${PLUGIN}.sock`;
const PASS = 'authz-evidence-pass';
let work: string;
let daemonSocket: string;
let registry: RunningRegistry;
let dockerd: ChildProcess | undefined;
let plugin: ChildProcess | undefined;
let plain: string;
let vulnerable: string;

interface Event { allow: boolean; rule: string; uri: string; reason: string; image?: string; digest?: string; cached?: string[] }

function docker(args: string[], timeoutMs = 120_000) {
  return runAllowFailure('docker', ['-H', `unix://${daemonSocket}`, ...args], { timeoutMs });
}

function creates(image: string): Event[] {
  return readFileSync(join(work, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event)
    .filter((e) => e.uri.includes('/containers/create') && e.image === image);
}

/** `bulkhead sign` by digest: the RepoDigests entry the guarded daemon pulled. */
async function signPulled(reference: string): Promise<string> {
  const repoDigest = (await docker(['image', 'inspect', '-f', '{{index .RepoDigests 0}}', reference])).stdout.trim();
  assert.match(repoDigest, new RegExp(`^${registry.registry.replace(/\./gu, '\\.')}/.+@sha256:[0-9a-f]{64}$`));
  const signed = await runCli(['sign', repoDigest, '--key', join(work, 'signer.key')], { env: { BULKHEAD_PASSWORD: PASS } });
  assert.equal(signed.code, 0, signed.stderr);
  return repoDigest;
}

async function startPlugin(): Promise<ChildProcess> {
  const { command, args } = cliCommand();
  const child = spawn(command, [...args, 'authz', '--policy', join(work, 'policy.yaml'), '--socket', PLUGIN_SOCKET, '--docker-host', daemonSocket, '--db', join(work, 'vuln.db'), '--events', join(work, 'events.jsonl')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 30_000;
  while (!stderr.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bulkhead authz did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

before(async () => {
  requireCommand('dockerd', 'docker.io', 'a second daemon with the authorization plugin');
  requireCommand('skopeo', 'skopeo', 'pushes the test images to the loopback registry');
  await ensureDocker();
  if (existsSync(PLUGIN_SOCKET)) throw new Error(`${PLUGIN_SOCKET} exists: another authz plugin of this name runs on this host`);
  work = mkdtempSync(join(tmpdir(), 'bulkhead-authz-evidence-'));
  registry = await startRegistry();

  const key = await runCli(['key', 'generate', '--output-key-prefix', join(work, 'signer')], { env: { BULKHEAD_PASSWORD: PASS } });
  assert.equal(key.code, 0, key.stderr);
  const db = await runCli(['db', 'update', '--source', join(REPO_ROOT, 'demo/osv'), '--db', join(work, 'vuln.db')]);
  assert.equal(db.code, 0, db.stderr);
  // the key path is relative: the plugin reads it beside the policy (policyDir)
  writeFileSync(join(work, 'policy.yaml'), `version: 1
trust:
  registries: ["127.0.0.1:*"]
  signatures:
    keys: [signer.pub]
vulnerabilities:
  maxSeverity: medium
deployment:
  forbidPrivileged: true
`);

  // built in the main daemon, pushed with skopeo, pulled by the guarded daemon (so it has RepoDigests)
  plain = `${registry.registry}/team/app:1`;
  vulnerable = `${registry.registry}/team/vuln:1`;
  await buildBusyboxImage('bulkhead-test/authz-evidence-app:1');
  await buildBusyboxImage('bulkhead-test/authz-evidence-vuln:1', { files: { '/app/package-lock.json': join(REPO_ROOT, 'demo/app/package-lock.json'), '/app/package.json': join(REPO_ROOT, 'demo/app/package.json') } });
  for (const [local, target] of [['bulkhead-test/authz-evidence-app:1', plain], ['bulkhead-test/authz-evidence-vuln:1', vulnerable]] as const) {
    await run('skopeo', ['copy', '--insecure-policy', '--dest-tls-verify=false', `docker-daemon:${local}`, `docker://${target}`], { timeoutMs: 120_000 });
  }

  daemonSocket = join(work, 'docker.sock');
  plugin = await startPlugin();
  dockerd = spawn('dockerd', [`--authorization-plugin=${PLUGIN}`, '-H', `unix://${daemonSocket}`, '--data-root', join(work, 'data'), '--exec-root', join(work, 'exec'), '--pidfile', join(work, 'dockerd.pid'), '--bridge=none', '--iptables=false', '--ip6tables=false', '--insecure-registry', registry.registry], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!(await pingDocker(daemonSocket))) {
    if (Date.now() > deadline) throw new Error('second dockerd did not answer');
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const image of [plain, vulnerable]) {
    const pulled = await docker(['pull', image]);
    assert.equal(pulled.code, 0, pulled.stderr);
  }
});

after(async () => {
  await stop(plugin);
  await stop(dockerd);
  await registry?.stop();
  await runAllowFailure('docker', ['rmi', 'bulkhead-test/authz-evidence-app:1', 'bulkhead-test/authz-evidence-vuln:1']);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('bulkhead authz image evidence with a real dockerd, registry and DB', () => {
  test('an unsigned image is denied naming the signature rule; once signed by digest it runs', async () => {
    const denied = await docker(['run', '--rm', plain, '/bin/busybox', 'echo', 'ran']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: denied by policy rule signature: .*no signature found for ${registry.registry.replace(/\./gu, '\\.')}/team/app@sha256:`));

    const repoDigest = await signPulled(plain);
    const ran = await docker(['run', '--rm', plain, '/bin/busybox', 'echo', 'ran']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout.trim(), 'ran');

    const [first, second] = creates(plain);
    assert.equal(first!.rule, 'signature');
    assert.equal(first!.digest, repoDigest.slice(repoDigest.indexOf('@') + 1));
    assert.deepEqual([second!.allow, second!.rule], [true, 'policy']);
    // the unsigned answer was not kept (the signature was looked up again), the scan was
    assert.deepEqual(second!.cached, ['findings']);
  });

  test('an image over the vulnerability threshold is denied naming the rule; the second create is answered from the cache', async () => {
    await signPulled(vulnerable);
    const denied = await docker(['run', '--rm', vulnerable, '/bin/busybox', 'true']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: denied by policy rule vulnerability-severity: .*(CVE|GHSA)-[\\w-]+ \\((high|critical)\\) in \\w`));
    const again = await docker(['run', '--rm', vulnerable, '/bin/busybox', 'true']);
    assert.match(again.stderr, /denied by policy rule vulnerability-severity: /);

    const [first, second] = creates(vulnerable);
    assert.equal(first!.rule, 'vulnerability-severity');
    assert.equal(first!.cached, undefined, 'the first create scanned the image and checked its signature');
    assert.equal(second!.rule, 'vulnerability-severity');
    assert.equal(second!.reason, first!.reason);
    assert.deepEqual([...second!.cached!].sort(), ['findings', 'signatures']);
  });
});
