/**
 * `bulkhead surface` on a real image: the host's own Debian packages imported into Docker, a real
 * command run in it, the usage record made from what that run mapped (its /proc/PID/maps), and the
 * report checked against dpkg's own answers on the host (`dpkg -S` for ownership, `dpkg-query` for
 * Installed-Size, Essential and Priority). The image is then rebuilt without what surface calls safe
 * to remove and the same command runs in it with the advised capability flags.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeImage, type ImageAnalysis } from '../../src/catalog/index.js';
import { applySuppressions, parseVex, type Finding } from '../../src/findings/index.js';
import type { UsageRecord } from '../../src/runtime/usage/types.js';
import { analyzeSurface, readImageFile, surfaceOpenVex, type SurfaceReport } from '../../src/surface/index.js';
import { runCli } from '../harness/cli.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import { buildHostPackageImage, hostPackageClosure, type HostPackageImage } from '../harness/host-package-image.js';

const TAG = 'bulkhead-surface-test:full';
const SLIM = 'bulkhead-surface-test:slim';
// the workload: a shell printing its own maps and cat's, and listing /; curl is installed, never run
const WORKLOAD = ['/bin/sh', '-c', 'cat /proc/$$/maps; cat /proc/self/maps; ls / >/dev/null; echo done'];
const scratch = mkdtempSync(join(tmpdir(), 'bulkhead-surface-'));
let image: HostPackageImage;
let analysis: ImageAnalysis;
let usage: UsageRecord;
let report: SurfaceReport;

/** A usage record as the agent would write it, from what the container really mapped and ran. */
function usageFrom(mapsOutput: string, imageId: string): UsageRecord {
  const libraries: Record<string, number> = {};
  for (const line of mapsOutput.split('\n')) {
    const path = line.trim().split(/\s+/)[5];
    if (path?.startsWith('/')) libraries[path] = (libraries[path] ?? 0) + 1;
  }
  const now = new Date();
  const start = new Date(now.getTime() - 5000);
  return {
    schema: 1,
    image: TAG,
    imageId,
    firstSeen: start.toISOString(),
    lastSeen: now.toISOString(),
    observedSeconds: 5,
    containers: [{ id: 'c1', name: 'surface-test', firstSeen: start.toISOString(), lastSeen: now.toISOString() }],
    // the programs the command line runs, as exec saw them
    executables: { '/bin/sh': 1, '/usr/bin/cat': 2, '/usr/bin/ls': 1 },
    libraries,
    filesRead: { '/proc/self/maps': 1 },
    capabilities: {},
    sources: { probe: 'bpftrace', syscalls: false, capabilities: true, fileReads: true },
  };
}

before(async () => {
  requireCommand('dpkg-query', 'dpkg', 'the reference for package ownership and sizes');
  image = await buildHostPackageImage(TAG, { packages: ['dash', 'coreutils', 'curl'] });
  const out = await run('docker', ['run', '--rm', '--network', 'none', TAG, ...WORKLOAD]);
  assert.match(out.stdout, /done/);
  analysis = await analyzeImage(`docker-daemon:${TAG}`, { cacheDir: false, workers: false });
  usage = usageFrom(out.stdout, analysis.image.configDigest!);
  const status = await readImageFile(`docker-daemon:${TAG}`, analysis, '/var/lib/dpkg/status', 1 << 24);
  assert.ok(status, 'the image holds a dpkg status');
  report = analyzeSurface({ analysis, usage, dpkgStatus: status.toString('utf8') });
});

after(async () => {
  await runAllowFailure('docker', ['image', 'rm', '-f', TAG, SLIM]);
  rmSync(scratch, { recursive: true, force: true });
});

test('used packages are exactly the owners dpkg -S names for the used files', async () => {
  // dpkg -S knows the paths as listed (/lib/... on bookworm), so ask for both spellings in one call
  const used = [...Object.keys(usage.executables), ...Object.keys(usage.libraries)].filter((p) => !p.startsWith('/proc'));
  const candidates = used.flatMap((p) => [p, p.replace(/^\/usr\//, '/'), `/usr${p}`]);
  const real = (await run('realpath', ['-e', ...new Set(used.map((p) => p))])).stdout.trim().split('\n');
  candidates.push(...real, ...real.map((p) => p.replace(/^\/usr\//, '/')));
  const ref = await runAllowFailure('dpkg', ['-S', ...new Set(candidates)]);
  const owners = new Set<string>();
  for (const line of ref.stdout.split('\n')) {
    const m = /^([^:]+(?::[^:\s]+)?(?:, [^:]+)*): \//.exec(line);
    if (m && !line.startsWith('diversion')) for (const o of m[1]!.split(', ')) owners.add(o.split(':')[0]!);
  }
  const inImage = [...owners].filter((o) => image.packages.includes(o)).sort();
  assert.ok(inImage.includes('libc6') && inImage.includes('dash') && inImage.includes('coreutils'), `reference owners: ${inImage}`);
  assert.deepEqual(report.used.map((u) => u.name).sort(), inImage);
});

test('sizes of unused packages are their files, within dpkg Installed-Size', async () => {
  const names = report.unused.map((u) => u.name);
  const out = await run('dpkg-query', ['-W', '-f=${Package} ${Installed-Size}\n', ...names]);
  const installed = new Map(out.stdout.trim().split('\n').map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1]) * 1024]));
  for (const u of report.unused) {
    const bound = installed.get(u.name)!;
    assert.ok(u.sizeBytes <= bound, `${u.name}: ${u.sizeBytes} bytes is more than Installed-Size ${bound}`);
    if (bound > 200 * 1024) assert.ok(u.sizeBytes > bound / 4, `${u.name}: ${u.sizeBytes} bytes is far below Installed-Size ${bound}`);
  }
  const curl = report.unused.find((u) => u.name === 'curl');
  assert.equal(curl?.removal, 'safe');
});

test('removal safety follows Essential/Priority and the used packages\' dependencies', async () => {
  const out = await run('dpkg-query', ['-W', '-f=${Package}\t${Essential}\t${Priority}\n', ...image.packages]);
  const facts = new Map(out.stdout.trim().split('\n').map((l) => l.split('\t')).map(([n, e, p]) => [n!, { essential: e === 'yes', required: p === 'required' }]));
  const needed = new Set(hostPackageClosure(report.used.map((u) => u.name)));
  for (const u of report.unused) {
    const f = facts.get(u.name)!;
    if (u.removal === 'essential') assert.ok(f.essential || f.required, `${u.name} is neither Essential nor required`);
    if (u.removal === 'safe') {
      assert.ok(!f.essential && !f.required, `${u.name} is Essential/required but called safe`);
      assert.ok(!needed.has(u.name), `${u.name} is a dependency of a used package but called safe`);
    }
    if (u.removal === 'needed') assert.ok(u.neededBy!.every((n) => report.used.some((x) => x.name === n)));
  }
});

test('tools never run are listed; the shell that ran is not', () => {
  const curl = report.tools.find((t) => t.path === 'usr/bin/curl');
  assert.equal(curl?.class, 'downloader');
  assert.equal(curl?.package, 'curl');
  assert.ok(!report.tools.some((t) => t.path === 'usr/bin/dash'), 'dash ran as /bin/sh');
  assert.ok(report.warnings.some((w) => w.includes('less than the 600 s minimum')));
  assert.ok(report.warnings.some((w) => w.includes('only 1 container')));
});

test('VEX from the split suppresses exactly the findings in packages never loaded', () => {
  const pkgOf = (name: string) => analysis.packages.find((p) => p.name === name)!;
  const finding = (id: string, name: string): Finding => {
    const p = pkgOf(name);
    return { id, kind: 'vulnerability', severity: 'high', title: id, target: { package: { id: p.id, name: p.name, version: p.version, type: p.type, purl: p.purl } } };
  };
  const findings = [finding('CVE-0000-0001', 'libc6'), finding('CVE-0000-0002', 'curl')];
  const scan = { findings } as unknown as Parameters<typeof analyzeSurface>[0]['scan'];
  const withVulns = analyzeSurface({ analysis, usage, scan: scan! });
  assert.deepEqual(withVulns.vulnerabilities!.ran.map((v) => v.package), ['libc6']);
  assert.deepEqual(withVulns.vulnerabilities!.notLoaded.map((v) => v.package), ['curl']);
  const doc = surfaceOpenVex(withVulns.vulnerabilities!.notLoaded, withVulns.coverage, { reference: TAG }, new Date());
  const statements = parseVex(JSON.stringify(doc), 'surface.openvex.json');
  assert.equal(statements[0]!.justification, 'vulnerable_code_not_in_execute_path');
  const applied = applySuppressions(findings, { vex: statements }, new Date()).findings;
  assert.equal(applied.find((f) => f.id === 'CVE-0000-0001')!.suppression, undefined);
  assert.equal(applied.find((f) => f.id === 'CVE-0000-0002')!.suppression?.kind, 'vex');
});

test('the image rebuilt without the safe removals runs the workload with the advised capabilities', async () => {
  const remove = report.unused.filter((u) => u.removal === 'safe' && u.type === 'deb').map((u) => u.name);
  assert.ok(remove.includes('curl') && remove.includes('libcurl4'));
  const slim = await buildHostPackageImage(SLIM, { packages: ['dash', 'coreutils', 'curl'], remove });
  const flags = report.capabilities.dockerFlags.flatMap((f) => f.split(' '));
  const out = await run('docker', ['run', '--rm', '--network', 'none', ...flags, SLIM, ...WORKLOAD]);
  assert.match(out.stdout, /done/);
  assert.ok(slim.sizeBytes < image.sizeBytes, `slim ${slim.sizeBytes} < full ${image.sizeBytes}`);
  const saved = image.sizeBytes - slim.sizeBytes;
  // the saving docker sees is what surface promised, within the size of the dropped dpkg metadata
  assert.ok(Math.abs(saved - report.totals.removableBytes) < 256 * 1024, `saved ${saved}, promised ${report.totals.removableBytes}`);
});

test('CLI: finds the record by image id in the state dir; a missing record is exit 3', async () => {
  const state = join(scratch, 'state');
  mkdirSync(join(state, 'usage'), { recursive: true });
  const env = { HOME: scratch, XDG_CACHE_HOME: join(scratch, 'cache') };
  const missing = await runCli(['surface', `docker-daemon:${TAG}`, '--state-dir', state, '--no-cache'], { env });
  assert.equal(missing.code, 3, missing.stderr);
  assert.match(missing.stderr, /no usage record for sha256:/);
  writeFileSync(join(state, 'usage', `${usage.imageId.replace(':', '-')}.json`), JSON.stringify(usage));
  const vexless = join(scratch, 'report.json');
  const ok = await runCli(['surface', `docker-daemon:${TAG}`, '--state-dir', state, '--no-cache', '--format', 'json', '-o', vexless], { env });
  assert.equal(ok.code, 0, ok.stderr);
  const fromCli = JSON.parse(readFileSync(vexless, 'utf8')) as SurfaceReport;
  assert.deepEqual(fromCli.unused.map((u) => [u.name, u.removal, u.sizeBytes]), report.unused.map((u) => [u.name, u.removal, u.sizeBytes]));
  const table = await runCli(['surface', `docker-daemon:${TAG}`, '--state-dir', state, '--no-cache'], { env });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /curl/);
  assert.match(table.stdout, /--cap-drop ALL/);
});

test('the seccomp profile from the observed system calls is accepted by Docker and denies the rest', async () => {
  requireCommand('strace', 'strace', 'the reference for the system calls the workload makes');
  // the image is the host's own binaries: strace on the host sees the calls the container makes
  const traced = await run('strace', ['-f', '-qq', '-c', '-o', join(scratch, 'strace.txt'), ...WORKLOAD]);
  assert.match(traced.stdout, /done/);
  const syscalls: Record<string, number> = {};
  for (const line of readFileSync(join(scratch, 'strace.txt'), 'utf8').split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z0-9_]+)$/.exec(line);
    if (m) syscalls[m[2]!] = Number(m[1]);
  }
  assert.ok(syscalls['execve'] && syscalls['openat'], JSON.stringify(syscalls));
  const withSyscalls = analyzeSurface({ analysis, usage: { ...usage, syscalls, sources: { ...usage.sources, syscalls: true } } });
  assert.ok(!withSyscalls.seccomp!.syscalls[0]!.names.includes('mkdir') && !withSyscalls.seccomp!.syscalls[0]!.names.includes('mkdirat'));
  const profile = join(scratch, 'seccomp.json');
  writeFileSync(profile, JSON.stringify(withSyscalls.seccomp));
  const ok = await run('docker', ['run', '--rm', '--network', 'none', '--security-opt', `seccomp=${profile}`, TAG, ...WORKLOAD]);
  assert.match(ok.stdout, /done/);
  const denied = await runAllowFailure('docker', ['run', '--rm', '--network', 'none', '--security-opt', `seccomp=${profile}`, TAG, '/bin/sh', '-c', 'mkdir /tmp/x']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Operation not permitted/);
});
