import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OsRelease, Package } from '../../catalog/index.js';
import { openVulnDb, updateVulnDb } from '../db/index.js';
import type { VulnDb } from '../db/types.js';
import { matchPackages } from './match.js';

/**
 * Matching OS packages through their source package and release, against a database filled from the
 * project's real test records (a Debian DSA, an Ubuntu CVE record, GHSA records) through the real
 * update path (a local folder source). dpkg itself decides what the expected verdicts are.
 */
const DATA = new URL('../../../test/data/osv/', import.meta.url).pathname;
let work: string;
let db: VulnDb;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-match-'));
  await updateVulnDb({ dbPath: join(work, 'vuln.db'), source: DATA });
  db = openVulnDb(join(work, 'vuln.db'));
});
after(() => {
  db?.close();
  rmSync(work, { recursive: true, force: true });
});

const debian = (versionId: string): OsRelease => ({ id: 'debian', versionId, family: 'debian', source: 'etc/os-release' });

function deb(name: string, version: string, sourceName: string, sourceVersion = version): Package {
  return {
    id: `deb:${name}`, name, version, type: 'deb', purl: `pkg:deb/debian/${name}@${version}`, cataloger: 'dpkg',
    sourceName, sourceVersion, locations: [{ path: 'var/lib/dpkg/status', layerIndex: 0, layerDigest: 'sha256:' + '0'.repeat(64) }],
  };
}

function dpkgLessThan(a: string, b: string): boolean {
  const r = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]);
  assert.ok(r.status === 0 || r.status === 1, 'dpkg must be installed (Debian package dpkg)');
  return r.status === 0;
}

test('Debian: binary packages match through their source package, only on the advisory release', () => {
  const fixed = '1.2.1-2.2+wheezy3';
  const candidates = ['1.2.1-2.2', '1.2.1-2.2+wheezy1', '1.2.1-2.2+wheezy2', fixed, '1.2.1-2.2+wheezy3+b1', '1.2.1-2.2+wheezy4', '1.6.2-1', '1.2.1-2.1'];
  for (const version of candidates) {
    const packages = [deb('nginx-common', version, 'nginx'), deb('nginx-full', `${version}+b2`, 'nginx', version)];
    const result = matchPackages(packages, debian('7'), db);
    const expected = dpkgLessThan(version, fixed);
    assert.equal(result.findings.length, expected ? 2 : 0, `nginx ${version}`);
    for (const f of result.findings) {
      assert.equal(f.id, 'CVE-2014-3616');
      assert.deepEqual(f.vulnerability!.ids, ['CVE-2014-3616', 'DSA-3029-1']);
      assert.equal(f.vulnerability!.fixedVersion, fixed);
      assert.equal(f.vulnerability!.ecosystem, 'Debian:7');
      assert.match(f.remediation!, /nginx-(common|full) \(source nginx\)/);
    }
    // the same packages on Debian 12 are not covered by a wheezy advisory
    assert.equal(matchPackages(packages, debian('12'), db).findings.length, 0);
  }
});

test('Ubuntu Pro records do not apply to the public archive; unknown distributions are skipped with a reason', () => {
  const linux: Package = {
    id: 'deb:linux', name: 'linux-libc-dev', version: '3.13.0-24.47', type: 'deb', purl: 'pkg:deb/ubuntu/linux-libc-dev@3.13.0-24.47',
    cataloger: 'dpkg', sourceName: 'linux', sourceVersion: '3.13.0-24.47', locations: [],
  };
  const ubuntu: OsRelease = { id: 'ubuntu', versionId: '14.04', family: 'debian', source: 'etc/os-release' };
  assert.equal(matchPackages([linux], ubuntu, db).findings.length, 0);
  const other = matchPackages([linux], { id: 'plan9', family: 'unknown', source: 'etc/os-release' }, db);
  assert.equal(other.packagesScanned, 0);
  assert.match(other.skipped[0]!.reason, /no advisory data for distribution plan9/);
});

test('npm packages installed by a Debian package are matched through it unless asked otherwise', () => {
  const owned: Package = {
    id: 'npm:minimist', name: 'minimist', version: '1.2.0', type: 'npm', purl: 'pkg:npm/minimist@1.2.0', cataloger: 'npm-package-json',
    ownedBy: { type: 'deb', name: 'node-minimist', version: '1.2.0-1' }, locations: [{ path: 'usr/share/nodejs/minimist/package.json', layerIndex: 1 }],
  };
  const plain = matchPackages([owned], debian('12'), db);
  assert.equal(plain.findings.length, 0);
  assert.match(plain.skipped[0]!.reason, /installed by deb package node-minimist/);
  const both = matchPackages([owned], debian('12'), db, { matchOwnedLanguagePackages: true });
  assert.ok(both.findings.length > 0);
  assert.ok(both.findings.every((f) => f.target.package!.ownedBy === 'deb:node-minimist'));
});

test('CISA KEV entries from the source root enrich findings (real KEV catalogue, real Go record)', async () => {
  const { cpSync, mkdirSync, readFileSync } = await import('node:fs');
  const source = join(work, 'kev-source');
  mkdirSync(join(source, 'Go'), { recursive: true });
  cpSync(new URL('../../../../shared/data/osv/Go/GO-2022-0535.json', import.meta.url).pathname, join(source, 'Go', 'GO-2022-0535.json'));
  const kevFile = new URL('../../../test/data/kev/known_exploited_vulnerabilities.json', import.meta.url).pathname;
  cpSync(kevFile, join(source, 'known_exploited_vulnerabilities.json'));
  const kev = (JSON.parse(readFileSync(kevFile, 'utf8')) as { vulnerabilities: { cveID: string; dateAdded: string; dueDate: string }[] }).vulnerabilities;
  const entry = kev.find((k) => k.cveID === 'CVE-2020-0601')!;
  const dbPath = join(work, 'kev.db');
  await updateVulnDb({ dbPath, source });
  const kevDb = openVulnDb(dbPath);
  try {
    assert.equal(kevDb.status().kev, kev.length);
    const stdlib = (version: string): Package => ({
      id: 'go:stdlib', name: 'stdlib', version, type: 'golang', purl: `pkg:golang/stdlib@${version}`, cataloger: 'go-module-binary', locations: [],
    });
    const hit = matchPackages([stdlib('1.13.6')], undefined, kevDb).findings;
    assert.equal(hit.length, 1);
    assert.equal(hit[0]!.id, 'CVE-2020-0601');
    assert.equal(hit[0]!.vulnerability!.fixedVersion, '1.13.7');
    assert.deepEqual(hit[0]!.vulnerability!.kev, { dateAdded: entry.dateAdded, dueDate: entry.dueDate, knownRansomware: hit[0]!.vulnerability!.kev!.knownRansomware });
    assert.equal(matchPackages([stdlib('1.13.7')], undefined, kevDb).findings.length, 0);
  } finally {
    kevDb.close();
  }
});
