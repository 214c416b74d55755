/**
 * `bulkhead authz` under REAL systemd as PID 1 (issue 9 must-show: "with the plugin stopped,
 * fail-closed denies and `docker ps` still works"). systemd boots in a container on the shared test
 * daemon (root filesystem built here without network: merged-/usr symlinks, the host's /usr bind-mounted
 * read-only, `--network none`), the real units of deploy/systemd are installed and enabled with
 * `systemctl enable --now` (a drop-in only points ExecStart at this checkout's CLI), and the socket's
 * folder (/run/docker/plugins in the container) is a host folder a SECOND dockerd of this test finds the
 * plugin through (a spec file in /etc/docker/plugins). Shown: dockerd's requests start the service from
 * the socket systemd holds; `systemctl stop` and `kill -9` of the service are invisible to `docker ps`
 * while state changes stay denied (the supervisor's fail-closed answer until its worker is back, then
 * the policy's); with the socket stopped too, dockerd itself refuses every request.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { REPO_ROOT } from '../harness/cli.js';

/**
 * Where the checkout is mounted in the box: a fixed path, never under /tmp, which the unit's
 * PrivateTmp=yes hides from the service (a checkout in /tmp, as in CI, made every start fail).
 */
const BOX_REPO = '/opt/bulkhead-checkout';
import { ensureDocker, pingDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure, type RunResult } from '../harness/exec.js';

const ID = `bh-systemd-${process.pid}`;
/** The plugin name dockerd is given: a spec file of that name points at the socket systemd holds. */
const PLUGIN = ID;
const SPEC_DIR = '/etc/docker/plugins';
const SPEC = join(SPEC_DIR, `${PLUGIN}.spec`);
const IMAGE = `${ID}-root:1`;
const BUSYBOX = `${ID}/busybox:1`;
const TRUSTED = '127.0.0.1:5999/team/app:1';
const SERVICE = 'bulkhead-authz.service';
const SOCKET_UNIT = 'bulkhead-authz.socket';
/** The supervisor's answer while its decision worker is not (yet) running (src/admission/docker/supervisor.ts). */
const ENGINE_DOWN = /denied: the bulkhead policy engine is not running \(fail-closed\)/;
const DENIED = new RegExp(`authorization denied by plugin ${PLUGIN}: `);

const POLICY = `version: 1
trust:
  registries: ["127.0.0.1:*"]
deployment:
  forbidPrivileged: true
  forbidDockerSocket: true
`;

let work = '';
let daemonSocket = '';
let dockerd: ChildProcess | undefined;
let containerStarted = false;
let specDirCreated = false;
let stateAfterDaemonStart = '';

function docker(args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return runAllowFailure('docker', ['-H', `unix://${daemonSocket}`, ...args], { timeoutMs });
}

/** One raw Engine API call to the second dockerd (no CLI ping first). */
function engineRequest(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: daemonSocket, method, path, timeout: 150_000, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 150 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A command inside the systemd container. */
function inBox(args: string[]): Promise<RunResult> {
  return runAllowFailure('docker', ['exec', ID, ...args], { timeoutMs: 60_000 });
}

async function unitState(unit: string): Promise<string> {
  return (await inBox(['systemctl', 'is-active', unit])).stdout.trim();
}

async function unitProperty(unit: string, property: string): Promise<string> {
  return (await inBox(['systemctl', 'show', '-p', property, '--value', unit])).stdout.trim();
}

/**
 * Repeats a state change while the supervisor denies it because its decision worker is not back yet
 * (a fresh service start loads the policy engine in a few seconds); returns the first other answer.
 */
async function oncePolicyDecides(op: () => Promise<RunResult>): Promise<RunResult> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await op();
    if (!ENGINE_DOWN.test(r.stderr)) return r;
    assert.match(r.stderr, DENIED, 'while the worker starts the supervisor denies (fail-closed)');
    if (Date.now() > deadline) throw new Error(`the decision worker did not come back within 120 s: ${r.stderr}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The root filesystem: merged-/usr links to the host's /usr (bind-mounted), a minimal /etc, the units. */
function buildRoot(root: string): void {
  for (const dir of ['usr', 'etc/systemd/system/bulkhead-authz.service.d', 'etc/bulkhead', 'run', 'tmp', 'var/log', 'var/tmp', 'var/cache', 'proc', 'sys', 'dev', 'root', BOX_REPO.slice(1)]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  for (const link of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${link}`, join(root, link));
  // empty: systemd generates the machine ID at boot (machine-id(5))
  writeFileSync(join(root, 'etc/machine-id'), '');
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  writeFileSync(join(root, 'etc/bulkhead/policy.yaml'), POLICY);
  for (const unit of [SERVICE, SOCKET_UNIT]) copyFileSync(join(REPO_ROOT, 'deploy/systemd', unit), join(root, 'etc/systemd/system', unit));
  // only where this checkout's CLI is (no /usr/local/bin/bulkhead here), which dockerd it inspects images
  // on, and no vulnerability database (this policy has no thresholds); everything else is the real unit
  writeFileSync(
    join(root, 'etc/systemd/system/bulkhead-authz.service.d/test.conf'),
    `[Service]\nWorkingDirectory=${BOX_REPO}\nExecStart=\nExecStart=${process.execPath} --import tsx ${BOX_REPO}/src/cli/main.ts authz --policy /etc/bulkhead/policy.yaml --docker-host /run/bh-engine/docker.sock --events /var/log/bulkhead/authz.jsonl\n`,
  );
}

async function bootSystemd(): Promise<void> {
  const root = join(work, 'root');
  buildRoot(root);
  const tar = await run('tar', ['-C', root, '-c', '.'], { binary: true });
  await run('docker', ['import', '-', IMAGE], { input: Buffer.from(tar.stdout, 'latin1') });
  for (const dir of ['plugins', 'engine']) mkdirSync(join(work, dir));
  // Not --privileged: this host's capability bounding set lacks CAP_SYS_RESOURCE, and runc then fails
  // with "unable to apply caps: operation not permitted". systemd needs none of it: every other
  // capability, no seccomp/AppArmor filter (it mounts), its own cgroup namespace, tmpfs /run and /tmp.
  containerStarted = true;
  await run('docker', [
    'run', '-d', '--name', ID, '--network', 'none', '--cgroupns', 'private',
    '--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined',
    '-e', 'container=docker', '--tmpfs', '/run', '--tmpfs', '/run/lock', '--tmpfs', '/tmp',
    '-v', '/usr:/usr:ro', '-v', `${REPO_ROOT}:${BOX_REPO}:ro`,
    '-v', `${join(work, 'plugins')}:/run/docker/plugins`, '-v', `${join(work, 'engine')}:/run/bh-engine`,
    IMAGE, '/lib/systemd/systemd', '--unit=multi-user.target',
  ]);
  const deadline = Date.now() + 90_000;
  let state = '';
  while (!['running', 'degraded'].includes(state)) {
    if (Date.now() > deadline) {
      const logs = await runAllowFailure('docker', ['logs', '--tail', '30', ID]);
      throw new Error(`systemd in ${ID} did not finish booting within 90 s (state '${state}'):\n${logs.stdout}${logs.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    state = (await inBox(['systemctl', 'is-system-running'])).stdout.trim();
  }
  assert.equal((await inBox(['cat', '/proc/1/comm'])).stdout.trim(), 'systemd', 'systemd is PID 1 of the container');
}

/** POST /Plugin.Activate on the plugin socket, waiting for an answer (the socket holds the connection). */
function pluginActivate(socketPath: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/Plugin.Activate', method: 'POST', timeout: timeoutMs, headers: { 'content-type': 'application/vnd.docker.plugins.v1+json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to Plugin.Activate on ${socketPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end('{}');
  });
}

async function startDockerd(): Promise<void> {
  daemonSocket = join(work, 'engine', 'docker.sock');
  if (!existsSync(SPEC_DIR)) {
    mkdirSync(SPEC_DIR, { recursive: true });
    specDirCreated = true;
  }
  // plugin discovery (moby pkg/plugins): /run/docker/plugins/<name>.sock, else /etc/docker/plugins/<name>.spec
  writeFileSync(SPEC, `unix://${join(work, 'plugins', 'bulkhead.sock')}\n`);
  const log = join(work, 'dockerd.log');
  const logFd = openSync(log, 'a');
  dockerd = spawn('dockerd', [`--authorization-plugin=${PLUGIN}`, '-H', `unix://${daemonSocket}`, '--data-root', join(work, 'data'), '--exec-root', join(work, 'exec'), '--pidfile', join(work, 'dockerd.pid'), '--bridge=none', '--iptables=false', '--ip6tables=false'], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const deadline = Date.now() + 180_000;
  while (!(await pingDocker(daemonSocket))) {
    if (dockerd.exitCode !== null || Date.now() > deadline) {
      const tail = readFileSync(log, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`the second dockerd (--authorization-plugin=${PLUGIN}) did not answer (exit ${dockerd.exitCode}); its log ends:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  requireCommand('dockerd', 'docker.io', 'a second daemon with the authorization plugin');
  requireCommand('systemd', 'systemd', 'systemd as PID 1 of the test container');
  requireCommand('tar', 'tar', 'the container root filesystem');
  if (!existsSync('/lib/systemd/systemd')) throw new Error("test harness: /lib/systemd/systemd is missing; install the Debian package 'systemd' (apt-get install -y systemd)");
  await ensureDocker();
  work = mkdtempSync(`/tmp/${ID}-`);
  await bootSystemd();
  const enable = await inBox(['systemctl', 'enable', '--now', SOCKET_UNIT]);
  assert.equal(enable.code, 0, enable.stderr);
  assert.equal(await unitState(SOCKET_UNIT), 'active');
  assert.equal(await unitState(SERVICE), 'inactive', 'socket activation: nothing runs before the first connection');
  assert.ok(existsSync(join(work, 'plugins', 'bulkhead.sock')), 'systemd created the plugin socket in the shared folder');
  // The first connection starts the service; on a loaded CI machine its start (TypeScript compiled on
  // the fly by tsx in the test) can outlast dockerd's own wait for the plugin at its start. Connect
  // once and wait for the answer, so dockerd finds the plugin up (the tests below stop and restart it).
  const activated = await pluginActivate(join(work, 'plugins', 'bulkhead.sock'), 240_000);
  assert.match(activated, /authz/u, 'the plugin answers Plugin.Activate');
  await startDockerd();
  stateAfterDaemonStart = await unitState(SERVICE);
  await buildBusyboxImage(BUSYBOX);
  const saved = await run('docker', ['save', BUSYBOX], { binary: true });
  const load = await oncePolicyDecides(() => runAllowFailure('docker', ['-H', `unix://${daemonSocket}`, 'load'], { input: Buffer.from(saved.stdout, 'latin1'), timeoutMs: 120_000 }));
  assert.equal(load.code, 0, load.stderr);
  assert.equal((await docker(['tag', BUSYBOX, TRUSTED])).code, 0);
});

after(async () => {
  if (dockerd && dockerd.exitCode === null) {
    const exited = new Promise((r) => dockerd!.once('exit', r));
    dockerd.kill('SIGTERM');
    const killer = setTimeout(() => dockerd!.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  }
  if (containerStarted) await runAllowFailure('docker', ['rm', '-f', ID]);
  await runAllowFailure('docker', ['rmi', IMAGE, BUSYBOX]);
  if (existsSync(SPEC)) unlinkSync(SPEC);
  if (specDirCreated && readdirSync(SPEC_DIR).length === 0) rmdirSync(SPEC_DIR);
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 3 });
});

describe('bulkhead authz under systemd (PID 1) in front of a real dockerd', () => {
  test('a request from dockerd starts the stopped service from the socket systemd holds; docker ps passes', async (t) => {
    // dockerd already asks the plugin at its own start (Plugin.Activate while validating
    // --authorization-plugin), which starts the service; stop it to see a plain request start it
    t.diagnostic(`service after dockerd started: ${stateAfterDaemonStart}`);
    assert.equal((await inBox(['systemctl', 'stop', SERVICE])).code, 0);
    assert.equal(await unitState(SERVICE), 'inactive');
    assert.equal(await unitState(SOCKET_UNIT), 'active');
    const ps = await docker(['ps']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.equal(await unitState(SERVICE), 'active', 'the request activated the service');
  });

  test('--privileged is denied with the policy rule as the reason', async () => {
    const r = await oncePolicyDecides(() => docker(['run', '--rm', '--privileged', TRUSTED, 'true']));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: denied by policy rule privileged: `));
    const events = (await inBox(['cat', '/var/log/bulkhead/authz.jsonl'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { allow: boolean; rule: string; uri: string });
    assert.ok(events.some((e) => !e.allow && e.rule === 'privileged' && e.uri.includes('/containers/create')), 'the decision is in LogsDirectory=');
  });

  async function survives(stop: () => Promise<void>, label: string): Promise<void> {
    await stop();
    const ps = await docker(['ps']);
    assert.equal(ps.code, 0, `docker ps after ${label}: ${ps.stderr}`);
    assert.equal(await unitState(SERVICE), 'active', `systemd started the service again after ${label}`);
    // right after the start the supervisor answers alone (worker loading): still a denial
    const privileged = await docker(['create', '--privileged', TRUSTED]);
    assert.notEqual(privileged.code, 0, 'a privileged create is never allowed');
    assert.match(privileged.stderr, DENIED);
    const name = `${ID}-ok-${label.replace(/\W+/gu, '-')}`;
    const compliant = await oncePolicyDecides(() => docker(['create', '--name', name, TRUSTED]));
    assert.equal(compliant.code, 0, compliant.stderr);
    assert.equal((await docker(['rm', name])).code, 0);
    const again = await docker(['create', '--privileged', TRUSTED]);
    assert.match(again.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: denied by policy rule privileged: `));
  }

  test('systemctl stop of the service: docker ps still works, privileged denied, compliant create allowed', async () => {
    await survives(async () => {
      assert.equal((await inBox(['systemctl', 'stop', SERVICE])).code, 0);
      assert.equal(await unitState(SERVICE), 'inactive');
    }, 'systemctl stop');
  });

  test('kill -9 of the main process: systemd restarts it (Restart=always), docker ps still works', async () => {
    const pid = await unitProperty(SERVICE, 'MainPID');
    const restarts = Number(await unitProperty(SERVICE, 'NRestarts'));
    assert.ok(Number(pid) > 1, `a main process runs (${pid})`);
    await survives(async () => {
      assert.equal((await inBox(['kill', '-9', pid])).code, 0);
    }, 'kill -9');
    assert.notEqual(await unitProperty(SERVICE, 'MainPID'), pid);
    assert.ok(Number(await unitProperty(SERVICE, 'NRestarts')) > restarts, 'systemd counted a restart');
  });

  test('socket and service stopped: dockerd itself refuses every request, docker ps included; the socket back restores it', async (t) => {
    assert.equal((await inBox(['systemctl', 'stop', SOCKET_UNIT, SERVICE])).code, 0);
    assert.equal(await unitState(SOCKET_UNIT), 'inactive');
    const started = Date.now();
    const ps = await docker(['ps'], 150_000);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`docker ps with everything stopped: exit ${ps.code} after ${seconds.toFixed(1)} s: ${ps.stderr.trim()}`);
    assert.notEqual(ps.code, 0);
    assert.match(ps.stderr, new RegExp(`plugin ${PLUGIN} failed with error`));
    // the docker CLI would stop at its own /_ping (also refused, HTTP 500): ask the Engine API directly
    const create = await engineRequest('POST', '/v1.41/containers/create', JSON.stringify({ Image: TRUSTED }));
    t.diagnostic(`POST /containers/create with everything stopped: HTTP ${create.status}: ${create.text.trim()}`);
    assert.equal(create.status, 500);
    assert.match(create.text, new RegExp(`plugin ${PLUGIN} failed with error`));
    assert.equal((await inBox(['systemctl', 'start', SOCKET_UNIT])).code, 0);
    const back = await docker(['ps']);
    assert.equal(back.code, 0, `docker ps once the socket is back: ${back.stderr}`);
  });
});
