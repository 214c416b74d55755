/**
 * Secrets, malware and image configuration on the seeded Debian image (~530 MB of real Debian and
 * npm files with generated credentials, EICAR and sshd; test/harness/seeded-fixture.ts): every seeded
 * credential is found, at most two findings elsewhere, no secret ever appears in any output, EICAR
 * is found by a signature file and by a real clamd, and the image checks list exactly the setuid
 * files tar shows.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { startClamd, type RunningClamd } from '../harness/clamd.js';
import { EICAR, seededFixture, type SeededFixture } from '../harness/seeded-fixture.js';
import type { Finding, ScanResult } from '../../src/findings/index.js';

let fixture: SeededFixture;
let work: string;
let signatures: string;
let clamd: RunningClamd | undefined;
let full: { result: ScanResult; stdout: string; stderr: string };

async function scan(...args: string[]): Promise<{ code: number; result: ScanResult; stdout: string; stderr: string }> {
  const r = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--no-progress', '--format', 'json', ...args]);
  assert.ok(r.code === 0 || r.code === 1, `scan failed (${r.code}): ${r.stderr}`);
  return { code: r.code, result: JSON.parse(r.stdout) as ScanResult, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  fixture = await seededFixture();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-seeded-'));
  // a SHA-256 list in sha256sum's format, as users keep them
  signatures = join(work, 'known-bad.sha256');
  writeFileSync(signatures, `${createHash('sha256').update(EICAR).digest('hex')}  Bulkhead.Test.SHA256.EICAR\n`);
  full = await scan('--scanners', 'secret,malware,config', '--malware-signatures', signatures, '--no-cache');
});

after(async () => {
  await clamd?.stop();
  rmSync(work, { recursive: true, force: true });
});

const secrets = (): Finding[] => full.result.findings.filter((f) => f.kind === 'secret');

test('every seeded credential is found, in the file (or image config) it was put in', () => {
  const found = secrets();
  for (const seeded of fixture.secrets) {
    const candidates = seeded.path === 'config:Env' ? found.filter((f) => f.target.path === undefined && f.evidence?.location?.startsWith('config.Env')) : found.filter((f) => f.target.path === seeded.path);
    // the redacted match shows the secret's first characters only: where one file holds several
    // secrets, tie each finding to its secret by them
    const alone = fixture.secrets.filter((s) => s.path === seeded.path).length === 1;
    const hit = candidates.find((f) => {
      const shown = (f.evidence?.match ?? '').split('*')[0]!;
      return alone || (shown.length > 0 && seeded.value.includes(shown));
    });
    assert.ok(hit, `${seeded.kind} in ${seeded.path} not found; findings there: ${candidates.map((f) => `${f.id} ${f.evidence?.match}`).join(', ') || 'none'}`);
  }
  const deleted = found.find((f) => f.target.path === 'tmp/build/.docker/config.json');
  assert.equal(deleted?.evidence?.deleted, 'true', 'the registry login deleted by a later layer is reported as still shipped');
});

test('at most two secret findings outside the seeded places, across the real Debian and npm files', () => {
  const seededPaths = new Set(fixture.secrets.map((s) => s.path));
  const others = secrets().filter((f) => !(f.target.path === undefined ? seededPaths.has('config:Env') : seededPaths.has(f.target.path)));
  assert.ok(others.length <= 2, `false positives:\n${others.map((f) => `${f.id} ${f.target.path ?? f.evidence?.location} ${f.evidence?.match}`).join('\n')}`);
});

test('no secret appears in any output format or log', async () => {
  const outputs = [full.stdout, full.stderr];
  for (const format of ['table', 'sarif', 'markdown', 'html', 'junit']) {
    const r = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--scanners', 'secret', '--format', format, '--no-progress', '--debug']);
    assert.equal(r.code, 0, r.stderr);
    outputs.push(r.stdout, r.stderr);
  }
  for (const seeded of fixture.secrets) {
    outputs.forEach((text, i) => assert.ok(!text.includes(seeded.value), `${seeded.kind} leaked into output ${i} (json, its log, then table, sarif, markdown, html, junit with their logs): ...${text.slice(Math.max(0, text.indexOf(seeded.value) - 120), text.indexOf(seeded.value)).replace(/\s+/g, " ")}`));
  }
});

test('EICAR is found by a SHA-256 list and by a real ClamAV daemon', async () => {
  const listed = full.result.findings.filter((f) => f.kind === 'malware');
  assert.deepEqual(listed.map((f) => f.target.path), [fixture.eicarPath]);
  assert.equal(listed[0]!.severity, 'critical');
  // the user's list matched, beside the built-in EICAR signature
  assert.match(listed[0]!.evidence?.signatures ?? listed[0]!.evidence?.signature ?? '', /Bulkhead\.Test\.SHA256\.EICAR/);
  const md5 = createHash('md5').update(EICAR).digest('hex');
  clamd = await startClamd({ signatures: { 'test.hdb': `${md5}:${Buffer.byteLength(EICAR)}:Bulkhead.Test.EICAR\n` } });
  const viaClamd = await scan('--scanners', 'malware', '--clamd', clamd.unixAddress);
  const hits = viaClamd.result.findings.filter((f) => f.kind === 'malware');
  assert.deepEqual(hits.map((f) => f.target.path), [fixture.eicarPath], `clamd scan log: ${viaClamd.stderr}\nclamd log: ${clamd.log().slice(-2000)}`);
  assert.match(hits[0]!.evidence?.engines ?? hits[0]!.evidence?.engine ?? '', /clamd/);
  assert.match(hits[0]!.evidence?.signatures ?? '', /Bulkhead\.Test\.EICAR/);
});

test('image checks: every setuid/setgid file listed; root, sshd with port 22, host keys and the missing HEALTHCHECK flagged', () => {
  const byId = (id: string) => full.result.findings.filter((f) => f.id === id);
  const listed = (byId('BH-IMG-003')[0]?.evidence?.files ?? '').split('\n').map((l) => l.split(' ')[0]!).sort();
  assert.deepEqual(listed, fixture.setuidFiles);
  assert.equal(byId('BH-IMG-001').length, 1, 'runs as root');
  assert.equal(byId('BH-IMG-002').length, 1, 'no HEALTHCHECK');
  const ssh = byId('BH-IMG-005')[0];
  assert.ok(ssh?.evidence?.packages?.includes('openssh-server'));
  assert.match(ssh?.evidence?.exposedPorts ?? '', /^22/);
  assert.match(byId('BH-IMG-018')[0]?.evidence?.files ?? '', /etc\/ssh\/ssh_host_ed25519_key/);
});

test('--fail-on critical fails on the seeded keys; scanners without vuln need no database', async () => {
  const r = await scan('--scanners', 'secret', '--fail-on', 'critical', '--db', join(work, 'absent.db'));
  assert.equal(r.code, 1);
  assert.equal(r.result.db, undefined);
  assert.deepEqual(r.result.options.scanners, ['secret']);
});
