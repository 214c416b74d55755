/**
 * `bulkhead scan` end to end on an image of real vulnerable npm packages, with a database filled
 * through the real download path (`db update` from a local OSV mirror of real records).
 * Expectations are computed independently: npm's own inventory of the image (`npm ls`) and npm's
 * `semver.satisfies` over each record's ranges, never from Bulkhead's matcher.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { buildOsvExports, copyOsvData, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';
import { vulnerableNpmFixture, type VulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';
import { validateSarif } from '../../src/report/testing/validators.js';
import type { ScanResult } from '../../src/findings/index.js';
import type { OsvRecord } from '../../src/vuln/index.js';

let work: string;
let mirror: OsvMirror;
let fixture: VulnerableNpmFixture;
let dbPath: string;
let npmRecords: OsvRecord[];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-scan-npm-'));
  // the shared records and the project's own test records, one folder per ecosystem
  const data = copyOsvData(osvDataDir(), join(work, 'data'));
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
  const exports = await buildOsvExports(data, join(work, 'mirror'));
  mirror = await serveOsvMirror(exports);
  dbPath = join(work, 'vuln.db');
  const update = await runCli(['db', 'update', '--source', mirror.url, '--db', dbPath, '--ecosystems', 'npm,Go,crates.io,PyPI,Maven']);
  assert.equal(update.code, 0, update.stderr);
  npmRecords = readdirSync(join(data, 'npm')).map((f) => JSON.parse(readFileSync(join(data, 'npm', f), 'utf8')) as OsvRecord);
  fixture = await vulnerableNpmFixture();
});

after(async () => {
  await mirror?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `>=I <F || ...` from OSV events in order: npm's own range language. */
function rangeExpression(events: Record<string, string>[]): string {
  const parts: string[] = [];
  let open: string | undefined;
  for (const e of events) {
    if (e['introduced'] !== undefined) open = e['introduced'] === '0' ? '0.0.0-0' : e['introduced'];
    else if (e['fixed'] !== undefined && open !== undefined) (parts.push(`>=${open} <${e['fixed']}`), (open = undefined));
    else if (e['last_affected'] !== undefined && open !== undefined) (parts.push(`>=${open} <=${e['last_affected']}`), (open = undefined));
  }
  if (open !== undefined) parts.push(`>=${open}`);
  return parts.join(' || ');
}

interface Expected {
  records: Set<string>;
  fixed: string[];
}

function expectedMatches(installed: VulnerableNpmFixture['installed']): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const { name, version } of installed) {
    for (const record of npmRecords) {
      if (record.withdrawn) continue;
      for (const affected of record.affected ?? []) {
        if (affected.package?.ecosystem !== 'npm' || affected.package.name !== name) continue;
        let hit = (affected.versions ?? []).includes(version);
        const fixes: string[] = [];
        for (const range of affected.ranges ?? []) {
          const events = range.events as Record<string, string>[];
          if (!semver.satisfies(version, rangeExpression(events), { includePrerelease: true })) continue;
          hit = true;
          for (const e of events) if (e['fixed'] && semver.gt(e['fixed'], version)) fixes.push(e['fixed']);
        }
        if (!hit) continue;
        const key = `${name}@${version}`;
        const entry = out.get(key) ?? { records: new Set<string>(), fixed: [] };
        entry.records.add(record.id);
        if (fixes.length) entry.fixed.push(fixes.sort(semver.compare)[0]!);
        out.set(key, entry);
      }
    }
  }
  return out;
}

async function scanJson(...extra: string[]): Promise<{ code: number; result: ScanResult; stderr: string }> {
  const r = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--scanners', 'vuln', '--db', dbPath, '--format', 'json', '--no-progress', ...extra]);
  assert.ok(r.code === 0 || r.code === 1, `scan failed (${r.code}): ${r.stderr}`);
  return { code: r.code, result: JSON.parse(r.stdout) as ScanResult, stderr: r.stderr };
}

test('every advisory covering an installed npm version is reported once, with its fixed version; nothing else', async () => {
  const expected = expectedMatches(fixture.installed);
  assert.ok(expected.size >= 5, `the fixture should hold vulnerable packages (found ${expected.size})`);
  const { result } = await scanJson();
  const reported = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const f of result.findings) {
    const pkg = f.target.package!;
    const key = `${pkg.name}@${pkg.version}`;
    assert.ok(!seen.has(`${key} ${f.id}`), `${f.id} reported twice for ${key}`);
    seen.add(`${key} ${f.id}`);
    const set = reported.get(key) ?? new Set<string>();
    for (const id of f.vulnerability!.records) {
      assert.ok(!set.has(id), `${id} appears in two findings of ${key}`);
      set.add(id);
    }
    reported.set(key, set);
    const exp = expected.get(key);
    assert.ok(exp, `unexpected finding ${f.id} for ${key}`);
    // the fix that satisfies every record of the finding: the highest of their next fixes
    const recordFixes: string[] = [];
    for (const id of f.vulnerability!.records) {
      const rec = npmRecords.find((r) => r.id === id)!;
      for (const a of rec.affected ?? []) {
        if (a.package?.name !== pkg.name) continue;
        for (const range of a.ranges ?? []) {
          const events = range.events as Record<string, string>[];
          if (!semver.satisfies(pkg.version, rangeExpression(events), { includePrerelease: true })) continue;
          const next = events.map((e) => e['fixed']).filter((x): x is string => !!x && semver.gt(x, pkg.version)).sort(semver.compare)[0];
          if (next) recordFixes.push(next);
        }
      }
    }
    const want = recordFixes.sort(semver.compare).at(-1);
    assert.equal(f.vulnerability!.fixedVersion, want, `${f.id} on ${key}: fixed version`);
    // every alias of every record is among the finding's ids
    for (const id of f.vulnerability!.records) {
      const rec = npmRecords.find((r) => r.id === id)!;
      for (const alias of [rec.id, ...(rec.aliases ?? [])]) assert.ok(f.vulnerability!.ids.includes(alias), `${f.id}: missing id ${alias}`);
    }
  }
  assert.deepEqual(
    new Map([...reported].map(([k, v]) => [k, [...v].sort()])),
    new Map([...expected].map(([k, v]) => [k, [...v.records].sort()])),
  );
  assert.equal(result.schemaVersion, 1);
  assert.ok(result.findings.every((f) => f.target.layerDigest?.startsWith('sha256:')), 'findings name the layer that brought the package');
});

test('--fail-on high: exit 1 while high or critical findings are active, 0 once they are suppressed with reasons', async () => {
  const all = await scanJson();
  const severe = all.result.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  assert.ok(severe.length > 0, 'the fixture has high/critical findings');
  const failing = await scanJson('--fail-on', 'high');
  assert.equal(failing.code, 1);
  assert.match(failing.stderr, /at or above high/);

  const ignore = join(work, 'ignore.yaml');
  writeFileSync(
    ignore,
    'version: 1\nignore:\n' + [...new Set(severe.map((f) => f.id))].map((id) => `  - id: ${id}\n    reason: "accepted for the test"\n`).join(''),
  );
  const clean = await scanJson('--fail-on', 'high', '--ignorefile', ignore);
  assert.equal(clean.code, 0, clean.stderr);
  const suppressed = clean.result.findings.filter((f) => f.suppression);
  assert.equal(suppressed.length, severe.length);
  assert.equal(clean.result.summary.high + clean.result.summary.critical, 0);
});

test('filters: --severity keeps only the named severities, --ignore-unfixed drops findings without a fix', async () => {
  const all = (await scanJson()).result.findings;
  const medium = (await scanJson('--severity', 'medium')).result.findings;
  assert.deepEqual(medium.map((f) => f.id).sort(), all.filter((f) => f.severity === 'medium').map((f) => f.id).sort());
  const fixedOnly = (await scanJson('--ignore-unfixed')).result.findings;
  assert.equal(fixedOnly.length, all.filter((f) => f.vulnerability?.fixedVersion).length);
});

test('SARIF output validates against the SARIF 2.1.0 schema', async () => {
  const r = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--db', dbPath, '--format', 'sarif', '--no-progress']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
  assert.equal(validateSarif(doc), null);
  assert.ok(doc.runs[0]!.results.length > 0);
});

test('errors: unknown severity is a usage error (2); a missing database is bad input (3)', async () => {
  const bad = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--db', dbPath, '--fail-on', 'severe']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on "severe"/);
  const missing = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--db', join(work, 'nope.db')]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /bulkhead db update/);
});

test('an OpenVEX statement (not_affected) suppresses the finding for that package; the gate ignores it', async () => {
  const all = (await scanJson()).result.findings;
  const target = all.find((f) => f.severity === 'critical') ?? all[0]!;
  const vex = join(work, 'app.openvex.json');
  writeFileSync(
    vex,
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.com/vex/bulkhead-test',
      author: 'Bulkhead tests',
      timestamp: '2026-01-01T00:00:00Z',
      version: 1,
      statements: [
        {
          vulnerability: { name: target.id },
          products: [{ '@id': target.target.package!.purl }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
    }),
  );
  const { result } = await scanJson('--vex', vex);
  const same = result.findings.filter((f) => f.id === target.id && f.target.package!.purl === target.target.package!.purl);
  assert.equal(same.length, 1);
  assert.equal(same[0]!.suppression?.kind, 'vex');
  assert.equal(same[0]!.suppression?.status, 'not_affected');
  assert.equal(result.findings.filter((f) => f.suppression).length, 1);
  assert.equal(result.summary[target.severity], all.filter((f) => f.severity === target.severity).length - 1);
});

test('scan sbom:FILE matches a CycloneDX or SPDX document of the image like the image itself', async () => {
  const direct = (await scanJson()).result.findings.map((f) => `${f.target.package!.name}@${f.target.package!.version} ${f.id}`).sort();
  for (const format of ['cyclonedx-json', 'spdx-json']) {
    const file = join(work, `image.${format}`);
    const sbom = await runCli(['sbom', `docker-archive:${fixture.archivePath}`, '--format', format, '-o', file, '--no-progress']);
    assert.equal(sbom.code, 0, sbom.stderr);
    const r = await runCli(['scan', `sbom:${file}`, '--scanners', 'vuln', '--db', dbPath, '--format', 'json', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const fromSbom = (JSON.parse(r.stdout) as ScanResult).findings.map((f) => `${f.target.package!.name}@${f.target.package!.version} ${f.id}`).sort();
    assert.deepEqual(fromSbom, direct, format);
  }
});

test('a database older than --max-db-age days makes the scan warn', async () => {
  const { default: Database } = await import('better-sqlite3');
  const old = join(work, 'old.db');
  const { copyFileSync } = await import('node:fs');
  copyFileSync(dbPath, old);
  const db = new Database(old);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'updated_at'").run(new Date(Date.now() - 30 * 86_400_000).toISOString());
  db.close();
  const r = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--db', old, '--format', 'json', '--no-progress']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /vulnerability database is 30 days old \(over 7\)/);
  const quiet = await runCli(['scan', `docker-archive:${fixture.archivePath}`, '--db', old, '--format', 'json', '--no-progress', '--max-db-age', '60']);
  assert.doesNotMatch(quiet.stderr, /days old/);
});
