import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { CatalogContext, CatalogedPackage } from '../cataloger.js';
import { rustBinaryCataloger } from './rust-cataloger.js';
import { readRustAudit } from './rust-audit.js';

/*
 * A format test, not a differential one: cargo-auditable is not installed here (and cannot be
 * fetched offline), so the `.dep-v0` section is built as cargo-auditable documents it
 * (zlib-compressed JSON) and added to a copy of a real binary with binutils' objcopy.
 */

const hasObjcopy = (() => {
  try {
    execFileSync('objcopy', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = hasObjcopy ? false : 'needs objcopy (Debian package binutils)';

const work = mkdtempSync(join(tmpdir(), 'bulkhead-rust-'));
after(() => rmSync(work, { recursive: true, force: true }));

const AUDIT = {
  packages: [
    { name: 'hello', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
    { name: 'serde', version: '1.0.193', source: 'crates.io', dependencies: [3] },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    { name: 'serde_derive', version: '1.0.193', source: 'crates.io', kind: 'runtime' },
    { name: 'forked', version: '0.3.0-alpha.1', source: 'git' },
  ],
};

function withSection(name: string, section: Buffer): string {
  const bin = join(work, name);
  copyFileSync('/bin/true', bin);
  writeFileSync(join(work, `${name}.dep`), section);
  execFileSync('objcopy', ['--add-section', `.dep-v0=${join(work, `${name}.dep`)}`, bin]);
  return bin;
}

function catalog(binary: string): CatalogedPackage[] {
  const analyzer = rustBinaryCataloger.analyzers[0]!;
  const content = readFileSync(binary);
  const data = analyzer.analyze({ path: 'usr/bin/hello', content, size: content.length, mode: 0o755, warn: () => {} });
  if (data === undefined) return [];
  const ctx = {
    results: () => [{ analyzer: analyzer.name, path: 'usr/bin/hello', layerIndex: 1, data: JSON.parse(JSON.stringify(data)) }],
    location: (path: string, layerIndex: number) => ({ path, layerIndex }),
  } as unknown as CatalogContext;
  return rustBinaryCataloger.catalog(ctx) as CatalogedPackage[];
}

test('crates from the .dep-v0 section, as objcopy wrote it', { skip }, () => {
  const bin = withSection('hello', deflateSync(Buffer.from(JSON.stringify(AUDIT))));
  // our section reader returns the bytes objcopy itself extracts
  execFileSync('objcopy', ['--dump-section', `.dep-v0=${join(work, 'dumped')}`, bin, join(work, 'scratch')]);
  assert.deepEqual(JSON.parse(execFileSync('python3', ['-c', 'import sys,zlib;sys.stdout.write(zlib.decompress(open(sys.argv[1],"rb").read()).decode())', join(work, 'dumped')], { encoding: 'utf8' })), AUDIT);

  const packages = catalog(bin);
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.purl, p.metadata?.source, p.metadata?.kind, p.metadata?.root]),
    AUDIT.packages.map((c) => [
      c.name, c.version, `pkg:cargo/${c.name}@${c.version}`, c.source, c.kind ?? 'runtime', c.root ? 'true' : undefined,
    ]),
  );
  for (const p of packages) {
    assert.equal(p.type, 'cargo');
    assert.equal(p.cataloger, 'rust-binary');
    assert.deepEqual(p.locations, [{ path: 'usr/bin/hello', layerIndex: 1 }]);
  }
  assert.deepEqual(readRustAudit(readFileSync(bin))?.[0]?.dependencies, [1, 2]);
});

test('no section, nothing guessed; a broken section is an error the walker reports', { skip }, () => {
  assert.deepEqual(catalog('/bin/true'), []);
  const garbage = withSection('garbage', Buffer.from('not zlib at all'));
  assert.throws(() => readRustAudit(readFileSync(garbage)), /\.dep-v0 section is not zlib-compressed JSON/);
  const wrongShape = withSection('shape', deflateSync(Buffer.from('{"crates": []}')));
  assert.throws(() => readRustAudit(readFileSync(wrongShape)), /no "packages" list/);
});
