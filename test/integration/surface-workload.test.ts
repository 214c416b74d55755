/**
 * Issue 10's must-show, end to end with real components: an image made of the host's own Debian
 * packages (Python plus the usual extras: curl, apt, perl, bash, procps, iproute2, openssl...) runs
 * a real workload (Python's http.server, fetched over loopback) for a few minutes under the real
 * agent; `bulkhead surface` then lists what was never used with its size, the image is rebuilt
 * without the packages it says are safe to remove, the same workload runs against the rebuilt image
 * with the same answers, and the size saved is reported.
 *
 * BULKHEAD_SURFACE_WINDOW_S sets the observation window (default 180 s).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SurfaceReport } from '../../src/surface/index.js';
import { startAgentProcess } from '../harness/agent-process.js';
import { runCli } from '../harness/cli.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import { buildHostPackageImage, type HostPackageImage } from '../harness/host-package-image.js';

const WINDOW_S = Number(process.env.BULKHEAD_SURFACE_WINDOW_S ?? 180);
const TAG = `bulkhead-surface-workload:full-${process.pid}`;
const SLIM = `bulkhead-surface-workload:slim-${process.pid}`;
const NAME = `bulkhead-surface-workload-${process.pid}`;
const PACKAGES = ['python3', 'curl', 'openssl', 'apt', 'bash', 'perl-base', 'procps', 'iproute2', 'gzip', 'tar'];
/** What the client asks for: a listing, modules of the standard library, and a file that is not there. */
const PATHS = ['/', '/json/', '/json/__init__.py', '/http/server.py', '/email/', '/no-such-file.txt'];

let work: string;
let full: HostPackageImage;
const port = 20000 + (process.pid % 20000);

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the agent records usage through its kernel probes');
  requireCommand('python3', 'python3', 'the workload image is built from the host\'s python3 package');
  work = mkdtempSync(join(tmpdir(), 'bulkhead-surface-workload-'));
  full = await buildHostPackageImage(TAG, { packages: PACKAGES });
});

after(async () => {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  await runAllowFailure('docker', ['rmi', '-f', TAG, SLIM]);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Starts the HTTP server from `image` on the host network (loopback only) and waits for it. */
async function startServer(image: string): Promise<void> {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  await run('docker', ['run', '-d', '--network', 'host', '--name', NAME, image, '/usr/bin/python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', '/usr/lib/python3.11']);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`the server in ${image} did not answer: ${(await runAllowFailure('docker', ['logs', NAME])).stderr}`, { cause: e });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The workload: every path in turn, for `seconds`; returns the answers (status and body length) of one round. */
async function workload(seconds: number): Promise<{ rounds: number; answers: string[] }> {
  const end = Date.now() + seconds * 1000;
  let rounds = 0;
  let answers: string[] = [];
  do {
    const round: string[] = [];
    for (const path of PATHS) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      round.push(`${path} ${response.status} ${(await response.arrayBuffer()).byteLength}`);
    }
    answers = round;
    rounds++;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < end);
  return { rounds, answers };
}

test('surface lists what a real workload never used; the image rebuilt without it serves the same workload', { timeout: (WINDOW_S + 300) * 1000 }, async (t) => {
  // 1. the workload under the agent (monitor mode: it records, it does not block)
  const state = join(work, 'state');
  const agent = await startAgentProcess(['--mode', 'monitor', '--containers', NAME, '--state-dir', state], join(work, 'events.jsonl'));
  let before: { rounds: number; answers: string[] };
  try {
    await startServer(TAG);
    before = await workload(WINDOW_S);
  } finally {
    await agent.stop();
    await runAllowFailure('docker', ['rm', '-f', NAME]);
  }
  assert.ok(before.rounds > 10, `${before.rounds} rounds`);
  assert.match(before.answers[0]!, /^\/ 200 /u);
  assert.match(before.answers.at(-1)!, / 404 /u);

  // 2. what was never used
  const shown = await runCli(['surface', `docker-daemon:${TAG}`, '--state-dir', state, '--format', 'json', '--min-window', `${Math.floor(WINDOW_S / 2)}s`, '--no-progress']);
  assert.equal(shown.code, 0, shown.stderr);
  const report = JSON.parse(shown.stdout) as SurfaceReport;
  assert.ok(report.coverage.observedSeconds >= WINDOW_S * 0.8, `observed ${report.coverage.observedSeconds} s of ${WINDOW_S}`);
  const used = new Set(report.used.map((p) => p.name));
  for (const name of ['python3.11-minimal', 'libpython3.11-stdlib', 'libc6']) assert.ok(used.has(name), `${name} is used: ${[...used].join(' ')}`);
  const unused = new Map(report.unused.map((p) => [p.name, p]));
  // the extras the workload never touched, each with the bytes it holds
  for (const name of ['curl', 'apt', 'procps', 'iproute2']) {
    assert.ok(unused.has(name), `${name} never used: ${[...unused.keys()].join(' ')}`);
    assert.ok(unused.get(name)!.sizeBytes > 0, `${name} has a size`);
  }
  for (const name of used) assert.ok(!unused.has(name), `${name} both used and unused`);
  const tools = new Set(report.tools.flatMap((tool) => tool.names.map((n) => n.split('/').at(-1))));
  for (const tool of ['curl', 'apt-get', 'bash', 'perl']) assert.ok(tools.has(tool), `${tool} listed as a never-run tool: ${[...tools].join(' ')}`);
  assert.ok(!tools.has('python3') && !tools.has('python3.11'), 'the interpreter ran');
  const safe = report.unused.filter((p) => p.removal === 'safe').map((p) => p.name);
  assert.ok(safe.length > 0, 'something is safe to remove');
  assert.ok(report.dockerfile.some((line) => safe.some((name) => line.includes(name))), `Dockerfile advice names the removals: ${report.dockerfile.join('\n')}`);

  // 3. rebuilt without the safe removals, the same workload gets the same answers
  // every package of the first image but the removals (the used ones stay even when only a removed
  // package asked for them, as python3 asks for python3-minimal)
  const slim = await buildHostPackageImage(SLIM, { packages: full.packages.filter((p) => !safe.includes(p)), remove: safe });
  for (const name of safe) assert.ok(!slim.packages.includes(name), `${name} left out of the rebuild`);
  await startServer(SLIM);
  let afterRun: { rounds: number; answers: string[] };
  try {
    afterRun = await workload(Math.min(30, WINDOW_S));
  } finally {
    await runAllowFailure('docker', ['rm', '-f', NAME]);
  }
  assert.deepEqual(afterRun.answers, before.answers);

  // 4. the size saved, against what the report promised
  const saved = full.sizeBytes - slim.sizeBytes;
  const mib = (n: number) => (n / 1048576).toFixed(1);
  t.diagnostic(`observed ${report.coverage.observedSeconds.toFixed(0)} s, ${before.rounds} rounds of ${PATHS.length} requests; ${report.totals.used} of ${report.totals.packages} packages used`);
  t.diagnostic(`safe to remove: ${safe.length} packages, ${mib(report.totals.removableBytes)} MiB promised; image ${mib(full.sizeBytes)} MiB → ${mib(slim.sizeBytes)} MiB, ${mib(saved)} MiB saved (${((saved / full.sizeBytes) * 100).toFixed(0)} %)`);
  assert.ok(saved > 0, 'the rebuilt image is smaller');
  // file sizes against Docker's own accounting (directories, links and metadata differ a little)
  assert.ok(Math.abs(saved - report.totals.removableBytes) <= Math.max(1_048_576, report.totals.removableBytes * 0.05), `saved ${saved} vs promised ${report.totals.removableBytes}`);
});
