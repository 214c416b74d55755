import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { collectingReporter } from '../progress.js';
import { validateScanJson, validateSarif } from '../report/testing/validators.js';
import { configCommand } from './config.js';

const PSS = 'test/data/pss';

async function run(args: string[]): Promise<{ exitCode: number; warnings: string[] }> {
  let exitCode = 0;
  const reporter = collectingReporter();
  const program = new Command('bulkhead').exitOverride();
  program.addCommand(
    configCommand({ version: '0.0.0-test', reporter: () => Object.assign(reporter, { stop() {} }), setExitCode: (c) => (exitCode = c) }).exitOverride(),
  );
  await program.parseAsync(['config', ...args], { from: 'user' });
  return { exitCode, warnings: reporter.warnings };
}

test('bulkhead config --pss restricted --format sarif over the PSS fixtures is valid SARIF 2.1.0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-config-'));
  try {
    const out = join(dir, 'r.sarif');
    await run([`${PSS}/restricted`, '--pss', 'restricted', '--format', 'sarif', '-o', out]);
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(validateSarif(sarif), null);
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    assert.ok(results.some((r) => r.ruleId === 'PSS-privileged'));
    assert.ok(results.every((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.startsWith('test/data/pss/restricted/')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('json output is a valid scan result; --fail-on sets exit code 1 only when a finding reaches it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-config-'));
  try {
    const out = join(dir, 'r.json');
    const failing = await run([`${PSS}/baseline/v1.37/fail/privileged0.yaml`, '--pss', 'baseline', '--format', 'json', '-o', out, '--fail-on', 'critical']);
    assert.equal(failing.exitCode, 1);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(validateScanJson(doc), null);
    const priv = doc.findings.find((f: { id: string }) => f.id === 'PSS-privileged');
    assert.equal(priv.target.path, `${PSS}/baseline/v1.37/fail/privileged0.yaml`);
    const passing = await run([`${PSS}/baseline/v1.37/pass/base.yaml`, '--pss', 'baseline', '--format', 'json', '-o', out, '--fail-on', 'critical']);
    assert.equal(passing.exitCode, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--ignorefile suppresses configuration findings by id and path, and the gate ignores them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-config-'));
  try {
    const out = join(dir, 'r.json');
    const file = `${PSS}/baseline/v1.37/fail/privileged0.yaml`;
    const ignore = join(dir, 'ignore.yaml');
    writeFileSync(ignore, `version: 1\nignore:\n  - kind: misconfiguration\n    id: PSS-privileged\n    paths: ["**/privileged0.yaml"]\n    reason: "the node agent needs it"\n`);
    const r = await run([file, '--pss', 'baseline', '--format', 'json', '-o', out, '--fail-on', 'critical', '--ignorefile', ignore]);
    assert.equal(r.exitCode, 0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const priv = doc.findings.find((f: { id: string }) => f.id === 'PSS-privileged');
    assert.equal(priv.suppression.reason, 'the node agent needs it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory with Dockerfiles, YAML and unrelated files; parse errors are warnings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-config-'));
  try {
    mkdirSync(join(dir, 'k8s'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian\n');
    writeFileSync(join(dir, 'api.Dockerfile'), 'FROM debian:12\nUSER app\nHEALTHCHECK CMD true\n');
    writeFileSync(join(dir, 'node_modules', 'Dockerfile'), 'FROM debian\n');
    writeFileSync(join(dir, 'k8s', 'pod.yaml'), readFileSync(`${PSS}/baseline/v1.37/fail/hostnamespaces0.yaml`));
    writeFileSync(join(dir, 'k8s', 'broken.yaml'), 'a: [\n');
    writeFileSync(join(dir, 'README.md'), '# x\n');
    const out = join(dir, 'r.json');
    const r = await run([dir, '--format', 'json', '-o', out]);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const paths = new Set(doc.findings.map((f: { target: { path: string } }) => f.target.path.slice(dir.length + 1)));
    assert.deepEqual([...paths].sort(), ['Dockerfile', 'k8s/pod.yaml']);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /broken\.yaml:\d+: YAML document 1 skipped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
