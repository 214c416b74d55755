/**
 * `bulkhead authz` in front of a real dockerd: a second daemon of this test's own (never the shared
 * one) started with `--authorization-plugin=bulkhead`, a busybox image loaded into it, and the docker
 * CLI's own error text checked. Covers privileged, Docker socket, untrusted registry, a compliant
 * image, a create body the plugin never receives (chunked: dockerd 20.10 forwards only bodies of known
 * length, the CVE-2024-41110 class), fail-closed on an unreadable policy (`--no-supervisor`), the
 * supervisor's own fail-closed answers while its decision worker is killed and restarting, and what
 * dockerd does when the whole plugin process is gone.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { REPO_ROOT } from '../harness/cli.js';
import { ensureDocker, pingDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const PLUGIN_SOCKET = '/run/docker/plugins/bulkhead.sock';
let work: string;
let daemonSocket: string;
let dockerd: ChildProcess | undefined;
let plugin: ChildProcess | undefined;
/** stderr of the running plugin (the supervisor's lines name its worker's pid). */
let pluginStderr = '';
/** Long enough that the tests below run inside the window in which a killed worker is not yet back. */
const RESTART_BACKOFF_S = 15;
const MAIN_TAG = 'bulkhead-test/authz-busybox:1';
const TRUSTED = '127.0.0.1:5999/team/app:1';
const UNTRUSTED = 'untrusted/app:1';

const POLICY = `version: 1
trust:
  registries: ["127.0.0.1:*"]
deployment:
  forbidPrivileged: true
  forbidHostNamespaces: true
  forbidDockerSocket: true
`;

function docker(args: string[], timeoutMs = 60_000) {
  return runAllowFailure('docker', ['-H', `unix://${daemonSocket}`, ...args], { timeoutMs });
}

/** The authz command run as main.ts runs commands (it works before and after its registration there). */
const RUNNER = `
import { Command } from 'commander';
import { authzCommand } from '${REPO_ROOT}/src/cli/authz.ts';
const ctx = { version: 'test', reporter: () => ({ task: () => ({ advance() {}, setTotal() {}, done() {} }), warn(m) { process.stderr.write('bulkhead: ' + m + '\\n'); }, debug() {}, stop() {} }), setExitCode: (c) => { process.exitCode = c; } };
const program = new Command('bulkhead').exitOverride();
program.addCommand(authzCommand(ctx));
await program.parseAsync(process.argv.slice(2), { from: 'user' });
`;

async function startPlugin(policyFile: string, extra: string[] = []): Promise<ChildProcess> {
  const runner = join(work, 'runner.mts');
  if (!existsSync(runner)) writeFileSync(runner, RUNNER);
  const child = spawn(process.execPath, ['--import', 'tsx', runner, 'authz', '--policy', policyFile, '--socket', PLUGIN_SOCKET, '--docker-host', daemonSocket, '--events', join(work, 'events.jsonl'), '--restart-backoff', String(RESTART_BACKOFF_S), ...extra], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  pluginStderr = '';
  child.stderr!.on('data', (c: Buffer) => (pluginStderr += c.toString()));
  // the supervisor says this once its worker is ready (so decisions below are the policy's)
  await waitForStderr((s) => s.includes('authorization plugin listening on'), child, 60_000);
  return child;
}

async function waitForStderr(ok: (stderr: string) => boolean, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok(pluginStderr)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bulkhead authz: expected line not seen:\n${pluginStderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids of every decision worker the supervisor reported ready, in order. */
function readyWorkers(): number[] {
  return [...pluginStderr.matchAll(/decision worker ready \(pid (\d+)\)/gu)].map((m) => Number(m[1]));
}

async function stopPlugin(): Promise<void> {
  if (!plugin || plugin.exitCode !== null) return;
  const exited = new Promise((r) => plugin!.once('exit', r));
  plugin.kill('SIGTERM');
  await exited;
}

/** A raw create whose body is chunked: the daemon reads it, the plugin is never given it. */
function chunkedCreate(body: string, contentType?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: daemonSocket, method: 'POST', path: '/v1.41/containers/create', headers: { ...(contentType ? { 'content-type': contentType } : {}), 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    req.end(body.slice(10));
  });
}

before(async () => {
  requireCommand('dockerd', 'docker.io', 'a second daemon with the authorization plugin');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-authz-'));
  writeFileSync(join(work, 'policy.yaml'), POLICY);
  if (existsSync(PLUGIN_SOCKET)) throw new Error(`${PLUGIN_SOCKET} exists: another authz plugin runs on this host`);
  daemonSocket = join(work, 'docker.sock');
  plugin = await startPlugin(join(work, 'policy.yaml'));
  dockerd = spawn('dockerd', ['--authorization-plugin=bulkhead', '-H', `unix://${daemonSocket}`, '--data-root', join(work, 'data'), '--exec-root', join(work, 'exec'), '--pidfile', join(work, 'dockerd.pid'), '--bridge=none', '--iptables=false', '--ip6tables=false'], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!(await pingDocker(daemonSocket))) {
    if (Date.now() > deadline) throw new Error('second dockerd did not answer');
    await new Promise((r) => setTimeout(r, 250));
  }
  await buildBusyboxImage(MAIN_TAG);
  const saved = await run('docker', ['save', MAIN_TAG], { binary: true });
  await run('docker', ['-H', `unix://${daemonSocket}`, 'load'], { input: Buffer.from(saved.stdout, 'latin1') });
  for (const tag of [TRUSTED, UNTRUSTED]) assert.equal((await docker(['tag', MAIN_TAG, tag])).code, 0);
});

after(async () => {
  await docker(['rm', '-f', 'compliant']).catch(() => {});
  await stopPlugin();
  if (dockerd && dockerd.exitCode === null) {
    const exited = new Promise((r) => dockerd!.once('exit', r));
    dockerd.kill('SIGTERM');
    await exited;
  }
});

describe('bulkhead authz with a real dockerd', () => {
  test('--privileged is denied naming the rule', async () => {
    const r = await docker(['run', '--rm', '--privileged', TRUSTED, 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /authorization denied by plugin bulkhead: denied by policy rule privileged: /);
  });

  test('a Docker socket mount is denied naming the rule', async () => {
    const r = await docker(['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', TRUSTED, 'true']);
    assert.match(r.stderr, /authorization denied by plugin bulkhead: denied by policy rule docker-socket: .*\/var\/run\/docker\.sock/);
  });

  test('an image from an untrusted registry is denied', async () => {
    const r = await docker(['run', '--rm', UNTRUSTED, 'true']);
    assert.match(r.stderr, /authorization denied by plugin bulkhead: denied by policy rule trusted-registry: registry docker\.io is not trusted/);
    const pull = await docker(['pull', 'busybox:latest']);
    assert.match(pull.stderr, /authorization denied by plugin bulkhead: denied by policy rule trusted-registry/);
  });

  test('a compliant image runs', async () => {
    const r = await docker(['run', '-d', '--name', 'compliant', TRUSTED]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await docker(['inspect', '-f', '{{.State.Running}}', 'compliant'])).stdout.trim(), 'true');
  });

  test('a create whose body the plugin never sees is denied', async () => {
    const body = JSON.stringify({ Image: TRUSTED, HostConfig: { Privileged: true } });
    // this dockerd (20.10.24 with the CVE-2024-41110 fix) forwards chunked JSON bodies: judged by the policy
    const chunkedJson = await chunkedCreate(body, 'application/json');
    assert.equal(chunkedJson.status, 403, chunkedJson.text);
    assert.match(chunkedJson.text, /denied by policy rule privileged/);
    // a body without a JSON Content-Type is never forwarded (moby pkg/authorization sendBody): denied as unreadable
    for (const type of [undefined, 'text/plain']) {
      const r = await chunkedCreate(body, type);
      assert.equal(r.status, 403, r.text);
      assert.match(r.text, /authorization denied by plugin bulkhead: denied by rule unreadable-body: the request body was not forwarded/);
    }
  });

  test('every decision is a JSON line naming rule and reason', () => {
    const events = readFileSync(join(work, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { allow: boolean; rule: string; uri: string; reason: string });
    assert.ok(events.some((e) => !e.allow && e.rule === 'privileged' && e.uri.includes('/containers/create')));
    assert.ok(events.some((e) => e.allow && e.rule === 'policy'));
  });

  test('decision worker killed: the supervisor denies state changes (fail-closed), docker ps works; the restarted worker decides again', async () => {
    const workers = readyWorkers();
    assert.equal(workers.length, 1, pluginStderr);
    const pid = workers[0]!;
    process.kill(pid, 'SIGKILL');
    await waitForStderr((s) => s.includes('decision worker exited (SIGKILL)'), plugin!, 10_000);
    const killedAt = Date.now();
    const privileged = await docker(['run', '--rm', '--privileged', TRUSTED, 'true']);
    assert.notEqual(privileged.code, 0);
    assert.match(privileged.stderr, /authorization denied by plugin bulkhead: denied: the bulkhead policy engine is not running \(fail-closed\)/);
    const ps = await docker(['ps']);
    assert.equal(ps.code, 0, ps.stderr);
    // both answers came from the supervisor, not from a worker restarted early
    assert.ok(Date.now() - killedAt < RESTART_BACKOFF_S * 1000, 'ran inside the restart backoff window');
    assert.equal(readyWorkers().length, 1, pluginStderr);
    const events = readFileSync(join(work, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { allow: boolean; rule: string; method: string; uri: string });
    assert.ok(events.some((e) => !e.allow && e.rule === 'engine-not-running' && e.uri.includes('/containers/create')));
    assert.ok(events.some((e) => e.allow && e.rule === 'engine-not-running' && e.method === 'GET'));

    await waitForStderr(() => readyWorkers().length === 2, plugin!, RESTART_BACKOFF_S * 1000 + 60_000);
    assert.notEqual(readyWorkers()[1], pid);
    // the create is what the plugin judges (this busybox image has no `true` to run)
    const compliant = await docker(['create', '--name', 'compliant-after-restart', TRUSTED]);
    assert.equal(compliant.code, 0, compliant.stderr);
    assert.equal((await docker(['rm', 'compliant-after-restart'])).code, 0);
    const denied = await docker(['run', '--rm', '--privileged', TRUSTED, 'true']);
    assert.match(denied.stderr, /authorization denied by plugin bulkhead: denied by policy rule privileged: /);
  });

  test('policy unreadable (--no-supervisor, one process): fail-closed denies creates, docker ps still works', async () => {
    await stopPlugin();
    plugin = await startPlugin(join(work, 'missing-policy.yaml'), ['--no-supervisor']);
    const ps = await docker(['ps']);
    assert.equal(ps.code, 0, ps.stderr);
    const r = await docker(['run', '--rm', TRUSTED, 'true']);
    assert.match(r.stderr, /authorization denied by plugin bulkhead: denied by rule undecidable \(fail-closed\): policy .*missing-policy\.yaml unreadable/);
  });

  test('whole plugin process gone (supervisor stopped): dockerd retries ~30 s then refuses every request, docker ps included; a restart within that window answers', async () => {
    await stopPlugin();
    const started = Date.now();
    const dead = await docker(['ps'], 90_000);
    assert.notEqual(dead.code, 0);
    assert.match(dead.stderr, /plugin bulkhead failed with error/);
    assert.ok(Date.now() - started > 20_000, 'dockerd retried before refusing');
    const pending = docker(['ps'], 90_000);
    await new Promise((r) => setTimeout(r, 3000));
    plugin = await startPlugin(join(work, 'policy.yaml'));
    const ps = await pending;
    assert.equal(ps.code, 0, `docker ps answered once the plugin was back: ${ps.stderr}`);
  });
});
