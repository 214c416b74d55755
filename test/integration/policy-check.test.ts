/**
 * `bulkhead policy check` end to end on an image of real vulnerable npm packages (built with Docker
 * from the npm registry), with a database filled through the real download path from a local OSV
 * mirror. Expectations come from npm's own inventory of the image and from `bulkhead scan` (whose
 * matching scan-npm.test.ts checks against npm's semver), never from the policy code.
 *
 * The command runs in its own Node process through a small runner (the program entry point wires
 * `policy` separately), mapping errors to exit codes with the CLI's own table.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { runAllowFailure } from '../harness/exec.js';
import { buildOsvExports, copyOsvData, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';
import { vulnerableNpmFixture, type VulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';
import { SEVERITIES, type ScanResult } from '../../src/findings/index.js';
import type { PolicyResult } from '../../src/policy/index.js';

let work: string;
let mirror: OsvMirror;
let fixture: VulnerableNpmFixture;
let dbPath: string;
let runner: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-policy-check-'));
  const data = copyOsvData(osvDataDir(), join(work, 'data'));
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
  mirror = await serveOsvMirror(await buildOsvExports(data, join(work, 'mirror')));
  dbPath = join(work, 'vuln.db');
  const update = await runCli(['db', 'update', '--source', mirror.url, '--db', dbPath, '--ecosystems', 'npm']);
  assert.equal(update.code, 0, update.stderr);
  fixture = await vulnerableNpmFixture();
  runner = join(work, 'policy-runner.ts');
  const src = (p: string): string => JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src', p)).href);
  writeFileSync(
    runner,
    // commander from the repository (the runner lives in a temporary folder)
    `import { Command, CommanderError } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'node_modules', 'commander', 'esm.mjs')).href)};
import { policyCommand } from ${src('cli/policy.ts')};
import { exitCodeFor } from ${src('cli/exit-codes.ts')};
import { cliReporter } from ${src('cli/reporter.ts')};
import { isBulkheadError } from ${src('errors.ts')};
let code = 0;
const ctx = { version: '0.0.0-test', reporter: () => cliReporter({ quiet: false, debug: false, logFormat: 'plain', progress: false }), setExitCode: (c) => { code = c; } };
const program = new Command('bulkhead').exitOverride();
program.addCommand(policyCommand(ctx).exitOverride());
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (e) {
  if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
  else if (isBulkheadError(e)) { process.stderr.write('bulkhead: error: ' + e.message + ' [' + e.code + ']\\n'); code = exitCodeFor(e.code); }
  else { process.stderr.write(String(e && e.stack || e) + '\\n'); code = 70; }
}
process.exitCode = code;
`,
  );
});

after(async () => {
  await mirror?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function policyCheck(policyText: string, ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string; file: string }> {
  const file = join(work, `policy-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, policyText);
  const r = await runAllowFailure(process.execPath, ['--import', 'tsx', runner, 'policy', 'check', `docker-archive:${fixture.archivePath}`, '--policy', file, '--db', dbPath, ...extra], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    timeoutMs: 300_000,
  });
  return { ...r, file };
}

const STRICT = `version: 1
trust:
  registries: [registry.example.com]
  signatures:
    keys: [keys/release.pub]
vulnerabilities:
  maxSeverity: medium
packages:
  deny:
    - purl: pkg:npm/lodash
      versions: "<4.17.21"
      reason: prototype pollution and command injection
image:
  nonRootUser: true
  healthcheck: true
  labels:
    - name: org.opencontainers.image.source
deployment:
  forbidPrivileged: true
`;

test('a strict policy: every violated rule with its evidence, skipped rules say why, exit 1', async () => {
  const r = await policyCheck(STRICT, '--format', 'json');
  assert.equal(r.code, 1, r.stderr);
  const result = JSON.parse(r.stdout) as PolicyResult;
  assert.equal(result.verdict, 'fail');
  const byId = new Map(result.rules.map((x) => [x.id, x]));
  const verdicts = Object.fromEntries(result.rules.map((x) => [x.id, x.verdict]));
  assert.deepEqual(verdicts, {
    'trusted-registry': 'fail',
    signature: 'skipped',
    'vulnerability-severity': 'fail',
    'denied-package': 'fail',
    'non-root-user': 'fail',
    healthcheck: 'fail',
    'required-labels': 'fail',
    privileged: 'skipped',
  });
  // the archive names its image with a Docker Hub short name: docker.io
  assert.match(byId.get('trusted-registry')!.evidence[0]!, /^registry docker\.io is not trusted/u);
  assert.deepEqual(byId.get('signature')!.evidence, ['signature verification not available']);
  assert.match(byId.get('privileged')!.evidence[0]!, /deployment facts/u);
  assert.match(byId.get('non-root-user')!.evidence[0]!, /sets no USER/u);
  assert.match(byId.get('healthcheck')!.evidence[0]!, /no HEALTHCHECK/u);
  assert.deepEqual(byId.get('required-labels')!.evidence, ['label org.opencontainers.image.source is missing']);

  // every installed lodash below 4.17.21, as npm lists the image's packages
  const lodash = fixture.installed.filter((p) => p.name === 'lodash');
  assert.ok(lodash.length > 0);
  for (const p of lodash) assert.ok(byId.get('denied-package')!.evidence.some((e) => e.startsWith(`pkg:npm/lodash@${p.version} `) && e.includes('denied by pkg:npm/lodash <4.17.21')), `lodash@${p.version}`);

  // every active finding above medium in the scan of the same image, and nothing else
  const scan = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--scanners', 'vuln', '--db', dbPath, '--format', 'json', '--no-progress']);
  assert.equal(scan.code, 0, scan.stderr);
  const above = (JSON.parse(scan.stdout) as ScanResult).findings.filter((f) => !f.suppression && f.severity !== 'unknown' && SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf('medium'));
  assert.ok(above.length > 0, 'the fixture has high or critical vulnerabilities');
  const evidence = byId.get('vulnerability-severity')!.evidence.filter((e) => /^\S+ \((critical|high|medium|low|negligible)\)/u.test(e));
  assert.equal(evidence.length, above.length, evidence.join('\n'));
  for (const f of above) {
    const pkg = f.target.package!;
    assert.ok(evidence.some((e) => e.startsWith(`${f.id} (${f.severity}) in ${pkg.name}@${pkg.version}`)), `${f.id} ${pkg.name}@${pkg.version}`);
  }
});

test('the table names each rule, verdict and evidence; expired exceptions warn first and do not apply', async () => {
  const policy = `${STRICT}exceptions:
  - images: ["docker.io/bulkhead-fixture/*"]
    rules: [healthcheck]
    reason: batch job, no server to probe
    owner: team-batch
    expires: 2020-01-31
`;
  const r = await policyCheck(policy);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^WARNING: EXPIRED EXCEPTION no longer applies: exceptions\[0\] \(healthcheck\) owned by team-batch expired 2020-01-31/u);
  const header = lines.find((l) => l.startsWith('RULE'))!;
  assert.match(header, /^RULE\s+VERDICT\s+EVIDENCE$/u);
  assert.ok(lines.some((l) => /^healthcheck\s+FAIL\s+the image defines no HEALTHCHECK$/u.test(l)), r.stdout);
  assert.ok(lines.some((l) => /^signature\s+SKIPPED\s+signature verification not available$/u.test(l)), r.stdout);
  assert.match(r.stdout, /policy FAIL \(8 rules: 6 failed, 2 skipped, 0 excepted\)/u);
});

test('a permissive policy, and a strict one with exceptions, exit 0', async () => {
  const permissive = await policyCheck(
    'version: 1\ntrust: {registries: ["*"], repositories: ["docker.io/bulkhead-fixture/*"]}\nvulnerabilities: {maxSeverity: critical}\npackages: {deny: [{purl: pkg:npm/event-stream}]}\nimage: {maxAgeDays: 36500}\n',
    '--format',
    'json',
  );
  assert.equal(permissive.code, 0, permissive.stderr + permissive.stdout);
  const result = JSON.parse(permissive.stdout) as PolicyResult;
  assert.equal(result.verdict, 'pass');
  assert.ok(result.rules.every((x) => x.verdict === 'pass'), JSON.stringify(result.rules, null, 1));

  const excepted = await policyCheck(`${STRICT}exceptions:\n  - images: ["docker.io/bulkhead-fixture/npm-vulnerable"]\n    reason: test fixture\n    owner: bulkhead-tests\n    expires: 2999-12-31\n`, '--format', 'json');
  assert.equal(excepted.code, 0, excepted.stderr);
  const ex = JSON.parse(excepted.stdout) as PolicyResult;
  assert.ok(ex.rules.filter((x) => x.verdict !== 'skipped').every((x) => x.verdict === 'excepted' && x.exception?.owner === 'bulkhead-tests'));
});

test('a bad policy file: exit 3, every problem as FILE:LINE:COL', async () => {
  const text = 'version: 1\nvulnerabilities:\n  maxSeverty: high\nimage:\n  healthchek: true\n';
  const r = await policyCheck(text);
  assert.equal(r.code, 3, r.stderr);
  const pos = (needle: string): string => {
    const line = text.split('\n').findIndex((l) => l.includes(needle));
    return `${line + 1}:${text.split('\n')[line]!.indexOf(needle) + 1}`;
  };
  assert.ok(r.stderr.includes(`${r.file}:${pos('maxSeverty')}: vulnerabilities.maxSeverty: unknown key (did you mean "maxSeverity"?)`), r.stderr);
  assert.ok(r.stderr.includes(`${r.file}:${pos('healthchek')}: image.healthchek: unknown key (did you mean "healthcheck"?)`), r.stderr);
  const usage = await runAllowFailure(process.execPath, ['--import', 'tsx', runner, 'policy', 'check', 'x'], { cwd: REPO_ROOT });
  assert.equal(usage.code, 2, usage.stderr);
  const missing = await policyCheck('version: 1\n', '--policy', join(work, 'none.yaml'));
  assert.equal(missing.code, 3, missing.stderr);
  assert.equal(readFileSync(r.file, 'utf8'), text);
});
