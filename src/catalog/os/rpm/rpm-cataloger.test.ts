/**
 * Differential tests against rpm itself: real packages are built with rpmbuild, installed into a
 * temporary root, and what Bulkhead reads from the database files is compared with `rpm -qa`.
 * The Berkeley DB variant is written by Berkeley DB's own db_load from the same header blobs and
 * checked with rpm's bdb_ro reader. Needs the Debian packages `rpm` and `db5.3-util`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { runAnalyzers, runCataloger } from '../testing.js';
import { rpmCataloger, rpmdbAnalyzer, type RpmdbData } from './rpm-cataloger.js';

const HAS_RPM = spawnSync('rpmbuild', ['--version']).status === 0;
const HAS_DB_LOAD = spawnSync('db5.3_load', ['-V']).status === 0;
const QF = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';

const SPECS: Record<string, string> = {
  'alpha.spec': `Name: bulkhead-alpha
Version: 1.2.3
Release: 4.test
Epoch: 2
Summary: Test package alpha
License: MIT AND (Apache-2.0 OR BSD-3-Clause)
BuildArch: noarch
%description
Alpha.
%install
mkdir -p %{buildroot}/usr/share/alpha/sub %{buildroot}/etc
echo one > %{buildroot}/usr/share/alpha/one.txt
echo two > %{buildroot}/usr/share/alpha/sub/two.txt
echo conf > %{buildroot}/etc/alpha.conf
%files
%dir /usr/share/alpha
/usr/share/alpha/one.txt
/usr/share/alpha/sub
%config /etc/alpha.conf
`,
  'beta.spec': `%global debug_package %{nil}
Name: bulkhead-beta
Version: 0.9
Release: 1
Summary: Test package beta
License: GPL-2.0-or-later
%description
Beta.
%package -n bulkhead-beta-libs
Summary: Libraries of beta
%description -n bulkhead-beta-libs
Beta libraries.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib/beta
printf '#!/bin/sh\\n' > %{buildroot}/usr/bin/beta
ln -s ../../bin/beta %{buildroot}/usr/lib/beta/beta-link
echo lib > %{buildroot}/usr/lib/beta/libbeta.txt
%files
/usr/bin/beta
%files -n bulkhead-beta-libs
/usr/lib/beta
`,
};

describe('rpm cataloger', () => {
  it('has rpmbuild (Debian package rpm) for reference databases', () => assert.ok(HAS_RPM, 'rpmbuild is not installed (Debian package rpm)'));
  let temp = '';
  let root = '';
  let sqliteFile: Buffer;

  const rpm = (args: string[], backend?: string, dbRoot = root): string =>
    execFileSync('rpm', [...(backend ? ['--define', `_db_backend ${backend}`] : []), '--root', dbRoot, '--dbpath', '/var/lib/rpm', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  before(() => {
    temp = mkdtempSync(join(tmpdir(), 'bulkhead-rpm-'));
    mkdirSync(join(temp, 'SPECS'));
    for (const [name, text] of Object.entries(SPECS)) {
      writeFileSync(join(temp, 'SPECS', name), text);
      execFileSync('rpmbuild', ['--define', `_topdir ${temp}`, '--nodeps', '-bb', join(temp, 'SPECS', name)], { stdio: 'ignore' });
    }
    const rpms = readdirSync(join(temp, 'RPMS'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.rpm'));
    root = join(temp, 'root');
    mkdirSync(root);
    rpm(['-i', '--nodeps', ...rpms.map((f) => join(temp, 'RPMS', f))]);
    sqliteFile = readFileSync(join(root, 'var/lib/rpm/rpmdb.sqlite'));
  });
  after(() => rmSync(temp, { recursive: true, force: true }));

  /** rpm's rows, as `name\tepoch\tversion\trelease\tarch\tsourcerpm`. */
  const reference = (backend?: string, dbRoot = root) =>
    rpm(['-qa', '--qf', QF], backend, dbRoot).split('\n').filter((l) => l !== '').sort();

  const ours = (data: RpmdbData) =>
    data.packages.map((p) => [p.name, p.epoch ?? 0, p.version, p.release, p.architecture, p.sourceRpm].join('\t')).sort();

  async function analyze(path: string, content: Buffer): Promise<{ data?: RpmdbData; warnings: string[] }> {
    const warnings: string[] = [];
    const [result] = await runAnalyzers([rpmdbAnalyzer], [{ path, content }], warnings);
    return { data: result?.data as RpmdbData | undefined, warnings };
  }

  it('reads rpmdb.sqlite as rpm -qa does', async () => {
    const { data, warnings } = await analyze('var/lib/rpm/rpmdb.sqlite', sqliteFile);
    assert.deepEqual(warnings, []);
    assert.equal(data?.backend, 'sqlite');
    assert.deepEqual(ours(data!), reference());
  });

  it('lists the files rpm lists, without directories', async () => {
    const { data } = await analyze('var/lib/rpm/rpmdb.sqlite', sqliteFile);
    for (const p of data!.packages) {
      const lines = rpm(['-q', '--qf', '[%{FILEMODES:perms} %{FILENAMES}\\n]', p.name]).split('\n').filter((l) => l !== '');
      const expected = lines.filter((l) => !l.startsWith('d')).map((l) => l.slice(l.indexOf(' /') + 2));
      assert.deepEqual(p.files, expected, p.name);
    }
  });

  it('builds packages with source names, epochs and purls', async () => {
    const packages = await runCataloger(rpmCataloger, [{ path: 'var/lib/rpm/rpmdb.sqlite', content: sqliteFile }], {
      os: { id: 'rocky', versionId: '9.3', family: 'rhel', source: 'etc/os-release' },
    });
    const rows = rpm(['-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{SOURCERPM}\\t%{EPOCH}\\t%{LICENSE}\\n']).split('\n').filter((l) => l !== '');
    assert.equal(packages.length, rows.length);
    for (const row of rows) {
      const [name, vr, srpm, epoch, license] = row.split('\t') as [string, string, string, string, string];
      const p = packages.find((x) => x.name === name);
      assert.ok(p, name);
      assert.equal(p.version, vr);
      assert.equal(`${p.sourceName}-${p.sourceVersion}.src.rpm`, srpm);
      assert.equal(p.epoch, epoch === '(none)' ? undefined : Number(epoch));
      assert.deepEqual(p.licenses, [license]);
      assert.equal(p.purl.startsWith(`pkg:rpm/rocky/${name}@${vr}?`), true, p.purl);
      assert.ok(p.purl.includes('distro=rocky-9.3'));
      if (p.epoch !== undefined) assert.ok(p.purl.includes(`epoch=${p.epoch}`));
    }
  });

  it('reads a Berkeley DB Packages file as rpm bdb_ro does', async () => {
    assert.ok(HAS_DB_LOAD, 'db5.3_load is not installed (db5.3-util)');
    const db = openCopy(sqliteFile);
    const rows = db.prepare('SELECT hnum, blob FROM Packages').all() as Array<{ hnum: number; blob: Buffer }>;
    db.close();
    const key = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b.toString('hex');
    };
    // small pages force the headers onto overflow page chains; key 0 holds rpm's next instance
    const dump = ['VERSION=3', 'format=bytevalue', 'type=hash', 'db_pagesize=512', 'HEADER=END', ` ${key(0)}`, ` ${key(rows.length + 1)}`];
    for (const r of rows) dump.push(` ${key(r.hnum)}`, ` ${r.blob.toString('hex')}`);
    dump.push('DATA=END', '');
    const bdbRoot = join(temp, 'bdb');
    mkdirSync(join(bdbRoot, 'var/lib/rpm'), { recursive: true });
    writeFileSync(join(temp, 'dump.txt'), dump.join('\n'));
    execFileSync('db5.3_load', ['-f', join(temp, 'dump.txt'), join(bdbRoot, 'var/lib/rpm/Packages')]);
    const { data, warnings } = await analyze('var/lib/rpm/Packages', readFileSync(join(bdbRoot, 'var/lib/rpm/Packages')));
    assert.deepEqual(warnings, []);
    assert.equal(data?.backend, 'bdb');
    assert.deepEqual(ours(data!), reference('bdb_ro', bdbRoot));
  });

  it('turns corrupt databases and headers into warnings', async () => {
    const db = openCopy(sqliteFile);
    const blob = (db.prepare('SELECT blob FROM Packages LIMIT 1').get() as { blob: Buffer }).blob;
    db.close();
    // deterministic corruption of a real header: every byte of the index in turn set to 0xff
    for (let i = 0; i < Math.min(blob.length, 8 + 16 * 12); i++) {
      const bad = Buffer.from(blob);
      bad[i] = 0xff;
      const mem = new Database(':memory:');
      mem.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
      mem.prepare('INSERT INTO Packages (blob) VALUES (?)').run(bad);
      const file = mem.serialize();
      mem.close();
      await analyze('var/lib/rpm/rpmdb.sqlite', file); // must not throw
    }
    for (const content of [sqliteFile.subarray(0, 4096), Buffer.alloc(4096), Buffer.from('RpmP\0\0\0\0\0\0\0\0\xff\xff\xff\xff', 'latin1')]) {
      const { data, warnings } = await analyze('var/lib/rpm/rpmdb.sqlite', content);
      assert.equal(data, undefined);
      assert.equal(warnings.length, 1, String(warnings));
    }
  });
});

/** better-sqlite3 cannot open a WAL-mode file from memory: mark the copy as rollback-journal. */
function openCopy(file: Buffer): Database.Database {
  const copy = Buffer.from(file);
  copy[18] = 1;
  copy[19] = 1;
  return new Database(copy, { readonly: true });
}
