/**
 * `bulkhead agent inventory` through the CLI against the real Docker Engine: a container started
 * with host PID namespace and no limits is reported in a valid scan-result JSON, and --fail-on sets
 * the exit code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { ensureDocker } from '../harness/docker.js';
import { run, runAllowFailure } from '../harness/exec.js';
import { validateScanJson } from '../../src/report/testing/validators.js';
import type { ScanResult } from '../../src/findings/index.js';

const IMAGE = 'bulkhead-test/agent-cli-busybox:1';
const NAME = `bulkhead-agent-cli-${process.pid}`;
let work: string;

before(async () => {
  await ensureDocker();
  if (!existsSync('/bin/busybox')) throw new Error("test harness: /bin/busybox is missing; install the Debian package 'busybox-static'");
  work = mkdtempSync(join(tmpdir(), 'bulkhead-agent-cli-'));
  mkdirSync(join(work, 'root', 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(work, 'root', 'bin', 'busybox'));
  await run('tar', ['-C', join(work, 'root'), '-cf', join(work, 'image.tar'), '.']);
  await run('docker', ['import', join(work, 'image.tar'), IMAGE]);
  await run('docker', ['run', '-d', '--network', 'none', '--pid', 'host', '--name', NAME, IMAGE, '/bin/busybox', 'sleep', '300']);
});

after(async () => {
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  await runAllowFailure('docker', ['rmi', IMAGE]);
  if (work) rmSync(work, { recursive: true, force: true });
});

test('agent inventory reports the container in a valid scan result, and --fail-on high fails on the host PID namespace', async () => {
  const r = await runCli(['agent', 'inventory', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as ScanResult;
  assert.equal(validateScanJson(doc), null);
  const mine = doc.findings.filter((f) => f.target.container === NAME);
  assert.ok(mine.some((f) => f.id === 'BH-RT-003' && f.severity === 'high'), JSON.stringify(mine.map((f) => f.id)));
  assert.ok(mine.some((f) => f.id === 'BH-RT-009'), 'no memory limit');
  const gate = await runCli(['agent', 'inventory', '--format', 'json', '--fail-on', 'high']);
  assert.equal(gate.code, 1);
});

test('agent inventory --db reports the known vulnerabilities of a running container\'s image', async () => {
  const { buildBusyboxImage } = await import('../harness/busybox-image.js');
  const image = 'bulkhead-test/agent-cli-vulnerable:1';
  const name = `bulkhead-agent-cli-vuln-${process.pid}`;
  // a real npm lockfile with published advisories, and the real OSV records the Quick start uses
  await buildBusyboxImage(image, { files: { '/app/package-lock.json': join(process.cwd(), 'demo/app/package-lock.json'), '/app/package.json': join(process.cwd(), 'demo/app/package.json') } });
  const db = join(work, 'demo.db');
  const update = await runCli(['db', 'update', '--source', 'demo/osv', '--db', db]);
  assert.equal(update.code, 0, update.stderr);
  await runAllowFailure('docker', ['rm', '-f', name]);
  await run('docker', ['run', '-d', '--network', 'none', '--name', name, image]);
  try {
    const direct = await runCli(['scan', `docker-daemon:${image}`, '--db', db, '--scanners', 'vuln', '--format', 'json']);
    const expected = (JSON.parse(direct.stdout) as ScanResult).findings.length;
    assert.ok(expected > 0, 'the image has known vulnerabilities');
    const r = await runCli(['agent', 'inventory', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const finding = (JSON.parse(r.stdout) as ScanResult).findings.find((f) => f.id === 'BH-RT-014' && f.target.container === name);
    assert.ok(finding, r.stdout.slice(0, 2000));
    assert.equal(finding.evidence?.['vulnerabilities'], String(expected), 'the same count as a scan of the image');
    assert.notEqual(finding.severity, 'unknown');
  } finally {
    await runAllowFailure('docker', ['rm', '-f', name]);
  }
});
