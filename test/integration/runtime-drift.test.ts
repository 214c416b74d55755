/**
 * Drift prevention against a real dockerd and the real kernel (bpftrace): a binary copied into a
 * container's writable layer is killed at exec in protect mode and reported in monitor mode; the
 * image's own busybox is never drift. The image is built at test time with `docker import` from
 * Debian's busybox-static binary. Needs root, bpftrace and tracefs: missing ones fail the test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, chmodSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collectingReporter } from '../../src/progress.js';
import { containerIdFromCgroup, startDriftMonitor, type DriftEvent } from '../../src/runtime/probes/index.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const IMAGE = 'bulkhead-test/drift-busybox:1';
const NAME = 'bulkhead-drift-test';
// busybox picks the applet from argv[0], so the copy keeps the name "busybox".
const DRIFT_CMD = 'cp /bin/busybox /tmp/busybox && /tmp/busybox echo SHOULD-NOT-PRINT';
let containerId = '';

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the kernel exec probe');
  requireCommand('mount', 'mount', 'mounting tracefs');
  const busybox = requireCommand('busybox', 'busybox-static', 'the test image');
  await ensureDocker();
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-drift-'));
  try {
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(busybox, join(root, 'bin/busybox'));
    symlinkSync('busybox', join(root, 'bin/sh'));
    const tar = await run('tar', ['-C', root, '-c', '.'], { binary: true });
    await run('docker', ['import', '-c', 'CMD ["/bin/busybox","sleep","3600"]', '-', IMAGE], {
      input: Buffer.from(tar.stdout, 'latin1'),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  containerId = (await run('docker', ['run', '-d', '--network', 'none', '--name', NAME, IMAGE])).stdout.trim();
});

after(async () => {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
});

async function withMonitor(mode: 'monitor' | 'protect', body: (events: DriftEvent[]) => Promise<void>): Promise<void> {
  const events: DriftEvent[] = [];
  const monitor = await startDriftMonitor({
    mode,
    containerIds: [containerId],
    reporter: collectingReporter(),
    onEvent: (e) => events.push(e),
  });
  try {
    await body(events);
  } finally {
    await monitor.stop();
  }
}

async function waitFor(events: DriftEvent[], count: number, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

test('protect mode kills a copied binary at exec and names the container, image and path', async () => {
  await withMonitor('protect', async (events) => {
    await runAllowFailure('docker', ['exec', NAME, 'rm', '-f', '/tmp/busybox']);
    const result = await runAllowFailure('docker', ['exec', NAME, 'sh', '-c', DRIFT_CMD]);
    assert.doesNotMatch(result.stdout + result.stderr, /SHOULD-NOT-PRINT/);
    assert.equal(result.code, 137, 'sh reports its child killed by SIGKILL');
    await waitFor(events, 1);
    const drift = events.filter((e) => e.process.path === '/tmp/busybox');
    assert.equal(drift.length, 1, JSON.stringify(events));
    const event = drift[0]!;
    assert.equal(event.type, 'drift');
    assert.equal(event.action, 'blocked-at-exec');
    assert.equal(event.container.id, containerId);
    assert.equal(event.container.name, NAME);
    assert.equal(event.container.image, IMAGE);
    const imageId = (await run('docker', ['inspect', '-f', '{{.Image}}', NAME])).stdout.trim();
    assert.equal(event.container.imageDigest, imageId);
    assert.match(event.reason, /^not in image: \/tmp\/busybox was created in the container$/);
  });
});

test('monitor mode lets the copied binary run and writes an alerted event', async () => {
  await withMonitor('monitor', async (events) => {
    await runAllowFailure('docker', ['exec', NAME, 'rm', '-f', '/tmp/busybox']);
    const result = await run('docker', ['exec', NAME, 'sh', '-c', DRIFT_CMD]);
    assert.match(result.stdout, /SHOULD-NOT-PRINT/);
    await waitFor(events, 1);
    const drift = events.filter((e) => e.process.path === '/tmp/busybox');
    assert.equal(drift.length, 1, JSON.stringify(events));
    assert.equal(drift[0]!.action, 'alerted');
    assert.equal(drift[0]!.container.id, containerId);
    assert.match(drift[0]!.reason, /not in image: \/tmp\/busybox was created in the container/);
  });
});

test("the image's own busybox is not drift, in protect mode either", async () => {
  await withMonitor('protect', async (events) => {
    const result = await run('docker', ['exec', NAME, '/bin/busybox', 'echo', 'FROM-IMAGE']);
    assert.match(result.stdout, /FROM-IMAGE/);
    const viaShell = await run('docker', ['exec', NAME, 'sh', '-c', '/bin/busybox echo VIA-SHELL']);
    assert.match(viaShell.stdout, /VIA-SHELL/);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(events, []);
  });
});

test("a container process is attributed through /proc/PID/cgroup to the id Docker reports", async () => {
  const pid = (await run('docker', ['inspect', '-f', '{{.State.Pid}}', NAME])).stdout.trim();
  assert.equal(containerIdFromCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8')), containerId);
});
