/**
 * The /proc polling probe against a real container (dockerd, Debian's busybox-static imported as the
 * image, host network): a `docker exec` runs `busybox sleep 1`, a `busybox nc` listener (Debian's
 * busybox nc has no -s, so it binds the wildcard address) and a `busybox nc` client connecting to it on 127.0.0.1. The probe must report the execs, the listener, the
 * connection and the exits, each under a pid whose /proc/PID/cgroup names the container. Needs root
 * (to read other processes' fd links), docker.io and busybox-static: missing ones fail the test.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collectingReporter } from '../../src/progress.js';
import { startProcfsProbe } from '../../src/runtime/procfs/index.js';
import { containerIdFromCgroup } from '../../src/runtime/probes/index.js';
import type { NetProbeEvent, ProbeEvent } from '../../src/runtime/probes/probe-event.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const IMAGE = 'bulkhead-test/procfs-busybox:1';
const NAME = 'bulkhead-procfs-test';
let containerId = '';

before(async () => {
  const busybox = requireCommand('busybox', 'busybox-static', 'the test image');
  await ensureDocker();
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-procfs-'));
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
  containerId = (await run('docker', ['run', '-d', '--network', 'host', '--name', NAME, IMAGE])).stdout.trim();
});

after(async () => {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  await runAllowFailure('docker', ['rmi', IMAGE]);
});

/** An event with what /proc said about its pid when it arrived (the process may be gone later). */
/** Process events (the /proc fallback never sends in-kernel usage counts). */
type ProcessEvent = Exclude<ProbeEvent, { kind: 'usage-counts' }>;

interface Seen {
  event: ProcessEvent;
  cmdline?: string;
  containerId?: string;
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

test('exec, fork, listen, connect and exit of container processes are reported with their pids', async () => {
  const port = 20000 + Math.floor(Math.random() * 10000);
  const seen: Seen[] = [];
  const reporter = collectingReporter();
  const probe = await startProcfsProbe({
    reporter,
    onEvent: (event) => {
      if (event.kind === 'usage-counts') return;
      const cmdline = readOr(`/proc/${event.pid}/cmdline`)?.split('\0').join(' ').trim();
      const cgroup = readOr(`/proc/${event.pid}/cgroup`);
      seen.push({ event, cmdline, containerId: cgroup === undefined ? undefined : containerIdFromCgroup(cgroup) });
    },
  });
  assert.equal(probe.source, 'procfs');
  const script = [
    '/bin/busybox sleep 1',
    // nc ends at end of its input: keep the listener's open while the client talks.
    `/bin/busybox sleep 4 | /bin/busybox nc -l -p ${port} > /dev/null &`,
    '/bin/busybox sleep 1',
    `/bin/busybox sleep 2 | /bin/busybox nc 127.0.0.1 ${port}`,
    'wait',
  ].join('\n');
  try {
    await run('docker', ['exec', NAME, '/bin/sh', '-c', script], { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await probe.stop();
  }
  const dump = JSON.stringify(seen, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1);
  const execOf = (cmdline: string): Seen | undefined =>
    seen.find((s) => s.event.kind === 'exec' && s.cmdline === cmdline);

  const sleep1 = execOf('/bin/busybox sleep 1');
  assert.ok(sleep1, `exec of sleep 1 reported: ${dump}`);
  assert.equal(sleep1.containerId, containerId);
  const exec = sleep1.event as Extract<ProbeEvent, { kind: 'exec' }>;
  assert.equal(exec.filename, '/bin/busybox');
  assert.equal(exec.comm, 'busybox');
  assert.equal(exec.uid, 0);
  assert.ok(exec.device > 0);
  // Forked by the exec'd shell, which the probe watches too.
  assert.ok(
    seen.some((s) => s.event.kind === 'fork' && s.event.childPid === exec.pid && s.event.pid === exec.ppid),
    `fork of ${exec.pid} reported: ${dump}`,
  );

  const listener = execOf(`/bin/busybox nc -l -p ${port}`);
  const client = execOf(`/bin/busybox nc 127.0.0.1 ${port}`);
  assert.ok(listener && client, `execs of both nc reported: ${dump}`);
  assert.equal(listener.containerId, containerId);
  assert.equal(client.containerId, containerId);

  const listen = seen.find((s) => s.event.kind === 'listen' && s.event.port === port);
  assert.ok(listen, `listen on ${port} reported: ${dump}`);
  const listenEvent = listen.event as NetProbeEvent;
  const { family, address, ...rest } = listenEvent;
  assert.deepEqual(rest, { kind: 'listen', pid: listener.event.pid, comm: 'busybox', port, protocol: 'tcp' });
  // The wildcard bind: dual-stack `::` where the host has IPv6, else 0.0.0.0.
  assert.ok((family === 6 && address === '::') || (family === 4 && address === '0.0.0.0'), `${family} ${address}`);
  assert.equal(listen.containerId, containerId);

  const connects = seen.filter((s) => s.event.kind === 'connect' && s.event.port === port);
  assert.equal(connects.length, 1, `one connect to ${port} (the accepted side is not one): ${dump}`);
  assert.deepEqual(connects[0]!.event, {
    kind: 'connect', pid: client.event.pid, comm: 'busybox', family: 4, address: '127.0.0.1', port, protocol: 'tcp',
  });
  assert.equal(connects[0]!.containerId, containerId);

  for (const s of [sleep1, listener, client]) {
    assert.ok(seen.some((x) => x.event.kind === 'exit' && x.event.pid === s.event.pid), `exit of ${s.cmdline}: ${dump}`);
  }
  assert.deepEqual(reporter.warnings, []);
});
