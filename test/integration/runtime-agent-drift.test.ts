/**
 * Drift prevention through the CLI agent, as a user runs it: in a Debian container (the test
 * fixture, debootstrap-built) `cp /bin/ls /tmp/x && /tmp/x` never prints in protect mode (killed in
 * the kernel at exec) and runs, reported, in monitor mode; with the /proc polling fallback the copy
 * is killed right after it starts, and the event says so (`killed`, never `blocked-at-exec`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startAgentProcess } from '../harness/agent-process.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import { debianFixture, ensureFixtureInDaemon } from '../harness/fixtures.js';

const DEBIAN = `bulkhead-agent-drift-debian-${process.pid}`;
const LATE = `bulkhead-agent-drift-late-${process.pid}`;
const BUSYBOX_IMAGE = 'bulkhead-test/agent-drift:1';
const DRIFT = 'cp /bin/ls /tmp/x && /tmp/x /';
let image = '';
let work = '';

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the kernel probes');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-agent-drift-'));
  image = await ensureFixtureInDaemon(await debianFixture());
  await buildBusyboxImage(BUSYBOX_IMAGE);
  for (const name of [DEBIAN, LATE]) await runAllowFailure('docker', ['rm', '-f', name]);
  await run('docker', ['run', '-d', '--network', 'none', '--name', DEBIAN, image, 'sleep', 'infinity']);
});

after(async () => {
  for (const name of [DEBIAN, LATE]) await runAllowFailure('docker', ['rm', '-f', name]);
  if (work) rmSync(work, { recursive: true, force: true });
});

test('protect mode: the copied ls never prints, and the event names image, container, path and "not in image"', async () => {
  const agent = await startAgentProcess(['--mode', 'protect', '--containers', DEBIAN, '--state-dir', work], join(work, 'protect.jsonl'));
  try {
    await runAllowFailure('docker', ['exec', DEBIAN, 'rm', '-f', '/tmp/x']);
    const result = await runAllowFailure('docker', ['exec', DEBIAN, 'sh', '-c', DRIFT]);
    assert.equal(result.stdout, '', 'nothing printed');
    assert.equal(result.code, 137, `killed by SIGKILL: ${result.stderr}`);
    const event = await agent.waitForEvent((e) => e.type === 'drift' && e.process.path === '/tmp/x');
    assert.equal(event.action, 'blocked-at-exec');
    assert.equal(event.container.name, DEBIAN);
    assert.equal(event.container.image, image);
    assert.match(event.container.imageDigest, /^sha256:[0-9a-f]{64}$/);
    assert.match(event.reason, /^not in image: \/tmp\/x/);
    // the image's own ls is not drift
    const own = await runAllowFailure('docker', ['exec', DEBIAN, 'ls', '/']);
    assert.equal(own.code, 0);
    assert.match(own.stdout, /\betc\b/);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!agent.events().some((e) => e.type === 'drift' && e.process.path !== '/tmp/x'), JSON.stringify(agent.events()));
  } finally {
    await agent.stop();
  }
});

test('monitor mode: the copied ls runs and is reported', async () => {
  const agent = await startAgentProcess(['--mode', 'monitor', '--containers', DEBIAN, '--state-dir', work], join(work, 'monitor.jsonl'));
  try {
    await runAllowFailure('docker', ['exec', DEBIAN, 'rm', '-f', '/tmp/x']);
    const result = await runAllowFailure('docker', ['exec', DEBIAN, 'sh', '-c', DRIFT]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\betc\b/, 'ls printed the root folder');
    const event = await agent.waitForEvent((e) => e.type === 'drift' && e.process.path === '/tmp/x');
    assert.equal(event.action, 'alerted');
    assert.match(event.reason, /not in image/);
  } finally {
    await agent.stop();
  }
});

test('the /proc polling fallback is announced and kills drift after it starts', async () => {
  const agent = await startAgentProcess(['--mode', 'protect', '--probe', 'procfs', '--containers', LATE, '--state-dir', work], join(work, 'procfs.jsonl'));
  try {
    assert.match(agent.stderr(), /\/proc polling/);
    assert.match(agent.stderr(), /procfs probe/);
    await run('docker', ['run', '-d', '--network', 'none', '--name', LATE, BUSYBOX_IMAGE]);
    await run('docker', ['exec', LATE, 'sh', '-c', 'mkdir -p /tmp/d && cp /bin/busybox /tmp/d/busybox']);
    const result = await runAllowFailure('docker', ['exec', LATE, '/tmp/d/busybox', 'sleep', '5']);
    assert.equal(result.code, 137, 'killed while it ran');
    const event = await agent.waitForEvent((e) => e.type === 'drift' && e.process.path === '/tmp/d/busybox');
    assert.equal(event.action, 'killed');
    assert.equal(event.details?.['probe'], 'procfs');
  } finally {
    await agent.stop();
  }
});
