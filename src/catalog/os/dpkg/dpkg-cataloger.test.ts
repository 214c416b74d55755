/**
 * Differential tests against dpkg-query, on this (Debian) machine's own dpkg database and on
 * variations of it that dpkg-query reads through --admindir.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FileRecord } from '../../../image/walk.js';
import { hostFile, hostRecord, runCataloger, type TestFile } from '../testing.js';
import { dpkgCataloger } from './dpkg-cataloger.js';

const HAS_DPKG = existsSync('/var/lib/dpkg/status');
const FORMAT = '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n';
const PRESENT = new Set(['installed', 'half-configured', 'unpacked', 'half-installed', 'triggers-awaited', 'triggers-pending']);

function dpkgQuery(args: string[]): string {
  return execFileSync('dpkg-query', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** dpkg-query's view, as `name\tversion\tarch\tsource\tsourceVersion` lines, for packages on disk. */
function referenceRows(admindir?: string): string[] {
  const out = dpkgQuery([...(admindir ? [`--admindir=${admindir}`] : []), '-W', '-f', FORMAT]);
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'))
    .filter((cols) => PRESENT.has(cols[0]!))
    .map((cols) => cols.slice(1).join('\t'))
    .sort();
}

function hostDpkgFiles(admindir = '/var/lib/dpkg'): TestFile[] {
  const files = [hostFile(join(admindir, 'status'), 'var/lib/dpkg/status')];
  const info = join(admindir, 'info');
  if (existsSync(info)) {
    for (const name of readdirSync(info)) if (name.endsWith('.list')) files.push(hostFile(join(info, name), `var/lib/dpkg/info/${name}`));
  }
  return files;
}

describe('dpkg cataloger', () => {
  it('has a dpkg database on this machine (the reference)', () => assert.ok(HAS_DPKG, 'no dpkg database on this machine'));
  const temp = mkdtempSync(join(tmpdir(), 'bulkhead-dpkg-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('reports what dpkg-query reports for this machine', async () => {
    const packages = await runCataloger(dpkgCataloger, hostDpkgFiles());
    const ours = packages.map((p) => [p.name, p.version, p.architecture ?? '', p.sourceName, p.sourceVersion].join('\t')).sort();
    assert.deepEqual(ours, referenceRows());
    for (const p of packages) {
      assert.equal(p.type, 'deb');
      assert.deepEqual(p.locations.map((l) => l.path), ['var/lib/dpkg/status']);
      const epoch = /^(\d+):/.exec(p.version)?.[1];
      assert.equal(p.epoch, epoch === undefined ? undefined : Number(epoch));
      assert.ok(p.purl.startsWith(`pkg:deb/debian/`), p.purl);
    }
  });

  it('lists the files dpkg-query -L lists, without directories', async () => {
    const names = ['dpkg', 'libc6', 'coreutils', 'bash', 'tzdata'].filter((n) => {
      try {
        dpkgQuery(['-L', n]);
        return true;
      } catch {
        return false;
      }
    });
    assert.ok(names.length >= 3);
    const expected = new Map<string, string[]>();
    const records = new Map<string, FileRecord>();
    for (const name of names) {
      const listed = dpkgQuery(['-L', name]).split('\n').filter((l) => l !== '' && l !== '/.');
      for (const path of listed) {
        // the image index needs every component of the path to follow links the way the kernel does
        for (const variant of [path, realPath(path)]) {
          const parts = variant.split('/').filter((s) => s !== '');
          for (let i = 1; i <= parts.length; i++) {
            const sub = parts.slice(0, i).join('/');
            if (!records.has(sub)) {
              const r = hostRecord(`/${sub}`, sub);
              if (r) records.set(sub, r);
            }
          }
        }
      }
      expected.set(name, listed.filter((p) => !isDir(p)).map((p) => p.slice(1)));
    }
    const packages = await runCataloger(dpkgCataloger, hostDpkgFiles(), { records: [...records.values()] });
    for (const name of names) {
      const pkg = packages.find((p) => p.name === name);
      assert.ok(pkg, name);
      assert.deepEqual(pkg.files, expected.get(name), name);
    }
  });

  it('follows dpkg-query on a status file with other states, sources and epochs', async () => {
    const admindir = join(temp, 'admin');
    mkdirSync(join(admindir, 'info'), { recursive: true });
    mkdirSync(join(admindir, 'updates'), { recursive: true });
    // real stanzas of this machine's database, their Status and Source fields varied
    const stanzas = readFileSync('/var/lib/dpkg/status', 'utf8').split(/\n\n+/).filter((s) => s.trim() !== '').slice(0, 12);
    const varied = stanzas.map((s, i) => {
      let out = s;
      const states = ['deinstall ok config-files', 'install ok half-configured', 'install ok unpacked', 'purge ok not-installed', 'hold ok installed'];
      if (i < states.length) out = out.replace(/^Status: .*$/m, `Status: ${states[i]}`);
      if (i === 5) out = out.replace(/^Source: .*\n/m, '') + '\nSource: some-source (9:1.0-1)';
      if (i === 6) out = out.replace(/^Version: (.*)$/m, 'Version: 3:$1');
      if (i === 7) out = out.replace(/^Description: .*$/m, 'Description: first line\n second line\n .\n third');
      if (i === 3) out = out.replace(/^Version: .*\n/m, '').replace(/^Conffiles:\n( .*\n?)*/m, '');
      return out.trimEnd();
    });
    writeFileSync(join(admindir, 'status'), varied.join('\n\n') + '\n');
    const warnings: string[] = [];
    const packages = await runCataloger(dpkgCataloger, hostDpkgFiles(admindir), { warnings });
    const ours = packages.map((p) => [p.name, p.version, p.architecture ?? '', p.sourceName, p.sourceVersion].join('\t')).sort();
    assert.deepEqual(ours, referenceRows(admindir));
    assert.ok(ours.length < stanzas.length, 'config-files and not-installed packages are left out');
    assert.deepEqual(warnings, []);
    const described = packages.find((p) => p.description === 'first line');
    assert.ok(described);
    const withSource = packages.find((p) => p.sourceName === 'some-source');
    assert.ok(withSource?.purl.includes('upstream=some-source%409%3A1.0-1') || withSource?.purl.includes('upstream=some-source@9:1.0-1'), withSource?.purl);
  });

  it('reads distroless status.d files and their md5sums', async () => {
    const statusText = dpkgQuery(['-s', 'dpkg']).replace(/^Status: .*\n/m, '');
    const md5 = readFileSync(existsSync('/var/lib/dpkg/info/dpkg.md5sums') ? '/var/lib/dpkg/info/dpkg.md5sums' : '/dev/null');
    const packages = await runCataloger(dpkgCataloger, [
      { path: 'var/lib/dpkg/status.d/dpkg', content: Buffer.from(statusText) },
      { path: 'var/lib/dpkg/status.d/dpkg.md5sums', content: md5 },
    ]);
    assert.equal(packages.length, 1);
    const [name, version] = dpkgQuery(['-W', '-f', '${Package}\t${Version}', 'dpkg']).split('\t');
    assert.equal(packages[0]!.name, name);
    assert.equal(packages[0]!.version, version);
    assert.deepEqual(packages[0]!.locations.map((l) => l.path), ['var/lib/dpkg/status.d/dpkg']);
    if (md5.length > 0) assert.ok(packages[0]!.files?.includes('usr/bin/dpkg'));
  });

  it('takes licences from machine-readable copyright files only', async () => {
    const docs = readdirSync('/usr/share/doc').filter((d) => existsSync(`/usr/share/doc/${d}/copyright`));
    const dep5 = docs.find((d) => /^Format:.*copyright-format/m.test(readFileSync(`/usr/share/doc/${d}/copyright`, 'utf8')));
    assert.ok(dep5, 'some package on this machine has a DEP-5 copyright file');
    const status = dpkgQuery(['-s', dep5]);
    const copyright = readFileSync(`/usr/share/doc/${dep5}/copyright`, 'utf8');
    const packages = await runCataloger(dpkgCataloger, [
      { path: 'var/lib/dpkg/status', content: Buffer.from(status) },
      { path: `usr/share/doc/${dep5}/copyright`, content: Buffer.from(copyright) },
    ]);
    const licenses = packages.find((p) => p.name === dep5)?.licenses ?? [];
    assert.ok(licenses.length > 0);
    for (const l of licenses) assert.match(copyright, new RegExp(`^License: ${l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
  });
});

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
