/**
 * Differential test: `bulkhead bench docker` against docker-bench-security (the reference
 * implementation of the CIS Docker Benchmark v1.6.0, vendored in test/data/docker-bench-security) on
 * the same host and the same test containers. Every automated check both judge (pass or warn) must
 * agree, unless the difference is explained in KNOWN_DIFFERENCES.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';

const PREFIX = 'bhcis';
const IMAGE = `${PREFIX}-busybox:1`;
const BENCH_DIR = join(REPO_ROOT, 'test/data/docker-bench-security');

/** CIS number → why the two tools may disagree on this host. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  '1.1.8': 'docker-bench-security wants an audit rule for containerd.sock even when the socket does not exist; we judge only files that exist (info otherwise)',
  '2.18': 'docker-bench-security reports 2.18 as deprecated (info) on daemons newer than 19.03; we read docker info ExperimentalBuild and judge it',
};

const CONTAINERS: Array<[string, string[]]> = [
  // this sandbox's runtime cannot apply a privileged container's capabilities; host PID stands in
  [`${PREFIX}-hostpid`, ['--pid', 'host', '--network', 'none']],
  [`${PREFIX}-sock`, ['-v', '/var/run/docker.sock:/var/run/docker.sock', '--network', 'none']],
  [`${PREFIX}-hostnet`, ['--network', 'host']],
  [`${PREFIX}-good`, ['--network', 'none', '--read-only', '--memory', '64m', '--cpu-shares', '512', '--pids-limit', '64', '--security-opt', 'no-new-privileges', '--user', '1000', '--restart', 'on-failure:5', '--health-cmd', 'true']],
];

let work: string;

before(async () => {
  requireCommand('bash', 'bash', 'docker-bench-security is a bash script');
  requireCommand('jq', 'jq', 'docker-bench-security reads daemon.json with jq');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-cis-'));
  await buildBusyboxImage(IMAGE);
  for (const [name] of CONTAINERS) await runAllowFailure('docker', ['rm', '-f', name]);
  for (const [name, flags] of CONTAINERS) await run('docker', ['run', '-d', '--name', name, ...flags, IMAGE]);
});

after(async () => {
  for (const [name] of CONTAINERS) await runAllowFailure('docker', ['rm', '-f', name]);
  await runAllowFailure('docker', ['rmi', IMAGE]);
  if (work) rmSync(work, { recursive: true, force: true });
});

type Verdict = 'pass' | 'warn' | 'info' | 'manual';

/** docker-bench-security's JSON log: sections of `{id, result: PASS|WARN|INFO|NOTE}`. */
async function referenceVerdicts(): Promise<Map<string, Verdict>> {
  const log = join(work, 'docker-bench');
  const groups = 'host_configuration,docker_daemon_configuration,docker_daemon_files,container_images,container_runtime';
  await runAllowFailure('bash', ['./docker-bench-security.sh', '-b', '-l', log, '-i', PREFIX, '-c', groups], { cwd: BENCH_DIR, timeoutMs: 300_000 });
  const doc = JSON.parse(readFileSync(`${log}.json`, 'utf8')) as { tests: Array<{ results: Array<{ id: string; result: string }> }> };
  const out = new Map<string, Verdict>();
  for (const section of doc.tests) for (const r of section.results) out.set(r.id, r.result === 'PASS' ? 'pass' : r.result === 'WARN' ? 'warn' : r.result === 'NOTE' ? 'manual' : 'info');
  return out;
}

async function bulkheadVerdicts(): Promise<{ verdicts: Map<string, Verdict>; automated: Set<string> }> {
  const res = await runCli(['bench', 'docker', '-f', 'json', '--show-passed', '--include', PREFIX]);
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(res.stdout) as { findings: Array<{ evidence: Record<string, string> }> };
  const verdicts = new Map<string, Verdict>();
  const automated = new Set<string>();
  for (const f of doc.findings) {
    const id = f.evidence['cis']!;
    // a failed container check has one finding per container: any warn is the check's verdict
    if (verdicts.get(id) !== 'warn') verdicts.set(id, f.evidence['verdict'] as Verdict);
    if (f.evidence['assessment'] === 'automated') automated.add(id);
  }
  return { verdicts, automated };
}

test('bench docker agrees with docker-bench-security on every automated check both judge', async () => {
  const [reference, ours] = [await referenceVerdicts(), await bulkheadVerdicts()];
  // docker-bench-security judges 2.12 (authorization plugin) and other daemon flags from every dockerd
  // process on the host (`ps`); we read the daemon behind the socket we judge. When another daemon runs
  // (the authorization plugin's tests start one with --authorization-plugin), 2.12 can differ.
  const otherDaemons = (await runAllowFailure('pgrep', ['-x', 'dockerd'])).stdout.trim().split('\n').filter(Boolean).length - 1;
  assert.ok(reference.size > 50, `docker-bench-security reported ${reference.size} checks`);
  const unexplained: string[] = [];
  let compared = 0;
  for (const id of ours.automated) {
    const theirs = reference.get(id);
    const mine = ours.verdicts.get(id);
    if (theirs === undefined || mine === undefined) continue;
    const judged = (v: Verdict) => v === 'pass' || v === 'warn';
    if (!judged(theirs) && !judged(mine)) continue;
    compared++;
    if (theirs !== mine && id === '2.12' && otherDaemons > 0) continue; // see below
    if (theirs !== mine && !(id in KNOWN_DIFFERENCES)) unexplained.push(`${id}: docker-bench-security ${theirs}, bulkhead ${mine}`);
  }
  assert.ok(compared > 40, `only ${compared} checks compared`);
  assert.deepEqual(unexplained, []);
  // the test containers are seen by both: host PID, socket mount and host network are flagged
  for (const id of ['5.16', '5.32', '5.10']) assert.equal(ours.verdicts.get(id), 'warn', `check ${id}`);
});
