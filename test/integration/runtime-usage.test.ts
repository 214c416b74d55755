/**
 * Usage records against a real container and the real kernel, through the CLI agent: a workload that
 * runs chosen applets, reads chosen files and needs capabilities (chown as root: CAP_CHOWN; Docker
 * lets containers bind ports below 1024 without CAP_NET_BIND_SERVICE) is recorded under the image's id, and a file of the
 * image it never touched is not. With --record-syscalls the system calls are counted too.
 * Needs root, bpftrace and tracefs (missing ones fail the test).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { UsageRecord } from '../../src/runtime/usage/index.js';
import { startAgentProcess } from '../harness/agent-process.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { runCli } from '../harness/cli.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const IMAGE = 'bulkhead-test/usage-busybox:1';
const NAME = `bulkhead-usage-${process.pid}`;
let work = '';
let imageId = '';

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the kernel probes');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-usage-'));
  const files: Record<string, string> = {};
  for (const name of ['read-me.txt', 'also-read.conf', 'never-touched.txt', 'owned.txt']) {
    writeFileSync(join(work, name), `${name}\n`);
    files[`/etc/${name}`] = join(work, name);
  }
  await buildBusyboxImage(IMAGE, { files });
  imageId = (await run('docker', ['image', 'inspect', '-f', '{{.Id}}', IMAGE])).stdout.trim();
  await runAllowFailure('docker', ['rm', '-f', NAME]);
});

after(async () => {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function recordWorkload(extraFlags: string[], stateDir: string): Promise<UsageRecord> {
  const agent = await startAgentProcess(['--mode', 'monitor', '--containers', NAME, '--state-dir', stateDir, ...extraFlags], join(stateDir, 'events.jsonl'));
  try {
    await run('docker', ['run', '-d', '--network', 'none', '--name', NAME, IMAGE]);
    // the agent refreshes containers on a tick; give it one before the workload
    await new Promise((r) => setTimeout(r, 2500));
    await run('docker', ['exec', NAME, '/bin/cat', '/etc/read-me.txt']);
    await run('docker', ['exec', NAME, '/bin/busybox', 'head', '-n', '1', '/etc/also-read.conf']);
    await run('docker', ['exec', NAME, '/bin/busybox', 'chown', '1000', '/etc/owned.txt']);
    // in-kernel counts are printed every 2 s
    await new Promise((r) => setTimeout(r, 3500));
  } finally {
    await agent.stop();
    await runAllowFailure('docker', ['rm', '-f', NAME]);
  }
  const shown = await runCli(['agent', 'usage', IMAGE, '--state-dir', stateDir, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout) as UsageRecord;
}

test('the usage record lists what the workload ran, read and exercised, and nothing it never touched', { timeout: 120_000 }, async () => {
  const stateDir = join(work, 'state-1');
  const record = await recordWorkload([], stateDir);
  assert.equal(record.imageId, imageId);
  assert.equal(record.image, IMAGE);
  assert.equal(record.containers[0]?.name, NAME);
  assert.ok(record.observedSeconds >= 3, `observed ${record.observedSeconds} s`);
  for (const exe of ['/bin/cat', '/bin/busybox']) assert.ok(record.executables[exe]! > 0, `${exe}: ${JSON.stringify(record.executables)}`);
  for (const file of ['/etc/read-me.txt', '/etc/also-read.conf']) assert.ok(record.filesRead[file]! > 0, `${file}: ${JSON.stringify(record.filesRead)}`);
  assert.equal(record.filesRead['/etc/never-touched.txt'], undefined);
  // chown opens nothing for reading, and a write is not a read
  assert.equal(record.filesRead['/etc/owned.txt'], undefined);
  assert.ok(record.capabilities['CAP_CHOWN']! > 0, JSON.stringify(record.capabilities));
  assert.deepEqual(record.sources, { probe: 'bpftrace', syscalls: false, capabilities: true, fileReads: true });
  assert.equal(record.syscalls, undefined);

  const list = await runCli(['agent', 'usage', '--state-dir', stateDir]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${IMAGE.replace(/[/.]/g, '\\$&')}\\s+${imageId.slice(7, 19)}`));
});

test('with --record-syscalls the record counts system calls by name; a second run adds up', { timeout: 120_000 }, async () => {
  const stateDir = join(work, 'state-2');
  const first = await recordWorkload(['--record-syscalls'], stateDir);
  assert.equal(first.sources.syscalls, true);
  // every applet opens and reads a file and calls exit_group
  for (const call of ['openat', 'read', 'exit_group', 'chown']) {
    assert.ok((first.syscalls?.[call] ?? 0) > 0 && first.syscalls?.[call] !== undefined, `${call}: ${JSON.stringify(first.syscalls)}`);
  }
  const second = await recordWorkload(['--record-syscalls'], stateDir);
  assert.equal(second.containers.length, 2);
  assert.ok(second.syscalls!['exit_group']! > first.syscalls!['exit_group']!, JSON.stringify(second.syscalls));
  assert.equal(second.executables['/bin/cat'], 2 * first.executables['/bin/cat']!, JSON.stringify(second.executables));
  assert.ok(second.observedSeconds > first.observedSeconds);
});
