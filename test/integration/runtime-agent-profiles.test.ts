/**
 * Behaviour profiles end to end, through the CLI against a real container and the real kernel: the
 * agent learns a small service (it listens, connects to itself every second and writes a state file),
 * the profile moves to monitor mode by command, the same behaviour then raises nothing for two
 * minutes, and an executable or an outbound destination outside the profile raises an alert naming
 * the deviation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { startAgentProcess } from '../harness/agent-process.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { runCli } from '../harness/cli.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const IMAGE = 'bulkhead-test/agent-profile:1';
const IMAGE_NAME = 'bulkhead-test/agent-profile';
const NAME = `bulkhead-profile-${process.pid}`;
const PORT = 20000 + (process.pid % 5000);
// a service: a listener, and a loop that talks to it and writes its state every second
const SERVICE = `nc -ll -p ${PORT} -e cat & while true; do echo ping | nc -w 1 127.0.0.1 ${PORT} > /tmp/state/last; sleep 1; done`;
let work = '';

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the kernel probes');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-profile-'));
  await buildBusyboxImage(IMAGE, { copies: ['/usr/bin/report-tool'] });
  await runAllowFailure('docker', ['rm', '-f', NAME]);
});

after(async () => {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  if (work) rmSync(work, { recursive: true, force: true });
});

test('learn, then monitor: learned behaviour is quiet for 2 minutes, deviations are named', { timeout: 400_000 }, async () => {
  const profiles = join(work, 'profiles');
  const common = ['--containers', NAME, '--state-dir', work, '--profiles', profiles];
  const learner = await startAgentProcess(['--mode', 'learn', ...common], join(work, 'learn.jsonl'));
  try {
    // the container starts under the learning agent, so its start-up is learned too
    await run('docker', ['run', '-d', '--network', 'host', '--user', '1000', '--name', NAME, IMAGE, 'sh', '-c', `mkdir -p /tmp/state; ${SERVICE}`]);
    await new Promise((r) => setTimeout(r, 12_000));
  } finally {
    await learner.stop();
  }
  const shown = await runCli(['agent', 'profiles', 'show', IMAGE_NAME, '--dir', profiles]);
  assert.equal(shown.code, 0, shown.stderr);
  const profile = parse(shown.stdout) as { mode: string; executables: string[]; listening: Array<{ port: number }>; outbound: Array<{ address: string; port?: number }>; writes: string[] };
  assert.equal(profile.mode, 'learn');
  assert.ok(profile.executables.includes('/bin/busybox'), shown.stdout);
  assert.ok(profile.listening.some((l) => l.port === PORT), shown.stdout);
  assert.ok(profile.outbound.some((o) => o.address === '127.0.0.1' && o.port === PORT), shown.stdout);
  assert.ok(profile.writes.some((w) => w.startsWith('/tmp/state')), shown.stdout);

  const set = await runCli(['agent', 'profiles', 'set-mode', IMAGE_NAME, 'monitor', '--dir', profiles]);
  assert.equal(set.code, 0, set.stderr);

  const monitor = await startAgentProcess(['--mode', 'monitor', ...common], join(work, 'monitor.jsonl'));
  try {
    await new Promise((r) => setTimeout(r, 120_000));
    const quiet = monitor.events().filter((e) => e.container.name === NAME);
    assert.deepEqual(quiet, [], `the learned behaviour raised events; learned profile:\n${shown.stdout}`);

    await runAllowFailure('docker', ['exec', NAME, '/usr/bin/report-tool']);
    const exec = await monitor.waitForEvent((e) => e.type === 'profile-deviation' && e.process.path === '/usr/bin/report-tool');
    assert.match(exec.reason, /executable \/usr\/bin\/report-tool is not in the profile/);
    assert.equal(exec.action, 'alerted');

    await runAllowFailure('docker', ['exec', NAME, 'nc', '-w', '1', '127.0.0.9', '7070']);
    const outbound = await monitor.waitForEvent((e) => e.type === 'profile-deviation' && /127\.0\.0\.9/.test(e.reason));
    assert.match(outbound.reason, /outbound connection to 127\.0\.0\.9:7070/);
  } finally {
    await monitor.stop();
  }
});
