/**
 * Responses on real containers (a running dockerd): pause, stop, kill by host pid, replace at the end
 * of a time to live (with rollback), and the container's file changes, checked against what the
 * Docker CLI itself reports (`docker inspect`, `docker diff`). The image is built at test time with
 * `docker import` from Debian's busybox-static binary; containers run with --network none.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collectingReporter } from '../../src/progress.js';
import { containerChanges, createResponder, summariseChanges, REPLACED_FROM_LABEL } from '../../src/runtime/respond/index.js';
import { runCli } from '../harness/cli.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const PREFIX = 'bulkhead-respond-test';
const IMAGE = 'bulkhead-test/respond-busybox:1';
const TTL_IMAGE = 'bulkhead-test/respond-busybox:ttl';
const GONE_IMAGE = 'bulkhead-test/respond-gone:1';
const created = new Set<string>();

before(async () => {
  const busybox = requireCommand('busybox', 'busybox-static', 'the test image');
  await ensureDocker();
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-respond-'));
  try {
    for (const d of ['bin', 'tmp', 'etc']) mkdirSync(join(root, d));
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(busybox, join(root, 'bin/busybox'));
    for (const applet of ['sh', 'sleep', 'cp', 'echo', 'cat']) symlinkSync('busybox', join(root, 'bin', applet));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    const tar = await run('tar', ['-C', root, '-c', '.'], { binary: true });
    await run('docker', ['import', '-c', 'CMD ["/bin/busybox","sleep","3600"]', '-', IMAGE], { input: Buffer.from(tar.stdout, 'latin1') });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

after(async () => {
  const names = (await runAllowFailure('docker', ['ps', '-aq', '--filter', `name=${PREFIX}`])).stdout.split('\n').filter(Boolean);
  if (names.length) await runAllowFailure('docker', ['rm', '-f', ...names]);
  await runAllowFailure('docker', ['rmi', TTL_IMAGE, GONE_IMAGE, IMAGE, ...created]);
});

async function start(name: string, extra: string[] = [], image = IMAGE): Promise<string> {
  await runAllowFailure('docker', ['rm', '-f', name]);
  return (await run('docker', ['run', '-d', '--network', 'none', '--name', name, ...extra, image])).stdout.trim();
}

async function inspect(name: string): Promise<any> {
  const r = await runAllowFailure('docker', ['inspect', name]);
  return r.code === 0 ? (JSON.parse(r.stdout) as any[])[0] : undefined;
}

const responder = createResponder({ reporter: collectingReporter() });

test('pause freezes the container and stop ends it, as the Engine reports', async () => {
  const name = `${PREFIX}-pause`;
  const id = await start(name);
  const paused = await responder.pause(id);
  assert.equal(paused.ok, true, JSON.stringify(paused));
  assert.equal((await inspect(name)).State.Paused, true);
  const again = await responder.pause(id);
  assert.equal(again.ok, false, 'pausing a paused container is reported, not thrown');
  assert.ok(!again.ok && /answered/.test(again.reason));
  await run('docker', ['unpause', name]);
  const stopped = await responder.stop(name, 1);
  assert.equal(stopped.ok, true, JSON.stringify(stopped));
  const state = (await inspect(name)).State;
  assert.equal(state.Running, false);
  assert.equal((await responder.stop(name, 1)).ok, true, 'an already stopped container is a success');
  const missing = await responder.stop(`${PREFIX}-does-not-exist`, 1);
  assert.equal(missing.ok, false);
  assert.ok(!missing.ok && /404/.test(missing.reason));
});

/** Host pids whose command line is exactly `args` and whose cgroup names the container. */
function hostPids(containerId: string, args: string[]): number[] {
  const want = args.join('\0') + '\0';
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') !== want) continue;
      if (readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(containerId)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

test('killProcesses kills a process in a container by host pid and refuses pid 1, itself and its parents', async () => {
  const name = `${PREFIX}-kill`;
  const id = await start(name);
  await run('docker', ['exec', '-d', name, 'sleep', '4242']);
  let pids: number[] = [];
  for (let i = 0; i < 50 && pids.length === 0; i++) {
    pids = hostPids(id, ['sleep', '4242']);
    if (pids.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(pids.length, 1, 'the exec-ed sleep is found in /proc');
  const top = (await run('docker', ['top', name])).stdout;
  assert.match(top, new RegExp(`\\b${pids[0]}\\b`), 'docker top lists the same host pid');
  const outcome = responder.killProcesses([pids[0]!, 1, 0, -1, process.pid, process.ppid]);
  assert.deepEqual(outcome.killed, [pids[0]]);
  assert.deepEqual(outcome.refused.map((r) => r.pid).sort((a, b) => a - b), [-1, 0, 1, process.ppid, process.pid].sort((a, b) => a - b));
  for (let i = 0; i < 50 && hostPids(id, ['sleep', '4242']).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(hostPids(id, ['sleep', '4242']), []);
  assert.equal((await inspect(name)).State.Running, true, 'the container itself keeps running');
  assert.deepEqual(responder.killProcesses([pids[0]!]).gone, [pids[0]]);
});

test('replace keeps the name, configuration and labels, makes a new container and removes the old one', async () => {
  const name = `${PREFIX}-ttl`;
  await run('docker', ['tag', IMAGE, TTL_IMAGE]);
  const oldId = await start(name, ['--label', 'team=blue', '-e', 'MODE=prod', '--memory', '64m'], TTL_IMAGE);
  const before = await inspect(name);
  const outcome = await responder.replace(name);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(outcome.oldId, oldId);
  assert.notEqual(outcome.newId, oldId);
  assert.equal(outcome.imageChanged, false);
  assert.equal(await inspect(oldId), undefined, 'the old container is removed');
  const now = await inspect(name);
  assert.equal(now.Id, outcome.newId);
  assert.equal(now.State.Running, true);
  assert.equal(now.Config.Image, TTL_IMAGE);
  assert.equal(now.Config.Labels.team, 'blue');
  assert.equal(now.Config.Labels[REPLACED_FROM_LABEL], oldId);
  assert.ok(now.Config.Env.includes('MODE=prod'));
  assert.deepEqual(now.Config.Cmd, before.Config.Cmd);
  assert.equal(now.HostConfig.NetworkMode, 'none');
  assert.equal(now.HostConfig.Memory, before.HostConfig.Memory);
  assert.equal(now.Image, before.Image);
  assert.notEqual(now.Config.Hostname, before.Config.Hostname, 'the generated hostname is the new container id');

  // the tag now points at another image: the replacement runs it, and the result says so
  const commitId = (await run('docker', ['commit', name, TTL_IMAGE])).stdout.trim();
  created.add(commitId);
  const second = await responder.replace(name);
  assert.ok(second.ok, JSON.stringify(second));
  assert.equal(second.imageChanged, true);
  assert.equal(second.newImageId, commitId);
  assert.equal(second.oldImageId, before.Image);
  assert.equal((await inspect(name)).Image, commitId);
});

test('replace rolls back when the image reference is gone: the old container keeps running under its name', async () => {
  const name = `${PREFIX}-rollback`;
  await run('docker', ['tag', IMAGE, GONE_IMAGE]);
  const oldId = await start(name, [], GONE_IMAGE);
  await run('docker', ['rmi', GONE_IMAGE]);
  const outcome = await responder.replace(name);
  assert.equal(outcome.ok, false);
  assert.ok(!outcome.ok);
  assert.equal(outcome.rolledBack, true, outcome.notes.join('; '));
  assert.match(outcome.reason, /creating .* from bulkhead-test\/respond-gone:1.*404/);
  const now = await inspect(name);
  assert.equal(now.Id, oldId);
  assert.equal(now.State.Running, true);
  const leftovers = (await run('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}`])).stdout.split('\n').filter(Boolean);
  assert.deepEqual(leftovers, [name]);
});

test('changes lists what docker diff lists, with an added executable and a changed /etc/passwd as findings', async () => {
  const name = `${PREFIX}-diff`;
  const id = await start(name);
  await run('docker', ['exec', name, 'sh', '-c', 'cp /bin/busybox /tmp/tool && echo data > /tmp/notes && echo "evil:x:0:0::/:/bin/sh" >> /etc/passwd']);
  const result = await containerChanges(id);
  const reference = (await run('docker', ['diff', name])).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(result.changes.map((c) => `${c.kind} ${c.path}`).sort(), reference);
  assert.equal(result.changes.find((c) => c.path === '/tmp/tool')?.executable, true);
  assert.equal(result.changes.find((c) => c.path === '/tmp/notes')?.executable, false);
  const findings = summariseChanges(result.changes, result.container);
  assert.deepEqual(findings.map((f) => `${f.id} ${f.evidence?.['path']}`).sort(), ['BH-RT-020 /tmp/tool', 'BH-RT-021 /etc/passwd']);
  assert.ok(findings.every((f) => f.target.container === name));

  const cli = await runCli(['agent', 'diff', name, '-f', 'json', '--fail-on', 'high']);
  assert.equal(cli.code, 1, cli.stderr);
  const report = JSON.parse(cli.stdout) as { findings: { id: string }[]; changes: { path: string; kind: string }[] };
  assert.deepEqual(report.changes.map((c) => `${c.kind} ${c.path}`).sort(), reference);
  assert.deepEqual(report.findings.map((f) => f.id).sort(), ['BH-RT-020', 'BH-RT-021']);
  const table = await runCli(['agent', 'diff', name]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^A \/tmp\/tool \(executable\)$/m);
  assert.match(table.stdout, /^C \/etc\/passwd$/m);
});
