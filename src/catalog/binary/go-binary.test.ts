import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogContext, CatalogedPackage } from '../cataloger.js';
import { parseElf } from './elf.js';
import { goBinaryCataloger, stdlibVersion } from './go-cataloger.js';
import { readGoBuildInfo } from './go-buildinfo.js';
import { parseModInfo, unquoteGo } from './go-modinfo.js';

/*
 * Differential tests against `go version -m` (Debian's golang-go): Go programs built here from
 * local modules (a file:// module proxy, no network), variants without section headers and in the
 * pre-1.18 pointer layout, and the Go programs Debian ships.
 */

const hasGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = false;
test('the go toolchain (Debian package golang-go) is installed: it is the reference', () => assert.ok(hasGo, 'needs the go toolchain (Debian package golang-go)'));

const work = mkdtempSync(join(tmpdir(), 'bulkhead-go-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Reference {
  goVersion: string;
  path?: string;
  main?: string;
  deps: string[];
  settings: Record<string, string>;
}

/** The reference: `go version -m`, read naively (tab-separated lines, JSON-compatible quoting). */
function goVersionM(binary: string): Reference {
  const out = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const [first = '', ...lines] = out.trimEnd().split('\n');
  const ref: Reference = { goVersion: first.slice(first.indexOf(': ') + 2), deps: [], settings: {} };
  for (const line of lines) {
    const [, kind, ...f] = line.split('\t');
    if (kind === 'path') ref.path = f[0];
    else if (kind === 'mod') ref.main = `${f[0]}@${f[1]}@${f[2] ?? ''}`;
    else if (kind === 'dep') ref.deps.push(`${f[0]}@${f[1]}@${f[2] ?? ''}`);
    else if (kind === '=>') ref.deps[ref.deps.length - 1] += ` => ${f[0]}@${f[1]}@${f[2] ?? ''}`;
    else if (kind === 'build') {
      const kv = f.join('\t');
      const eq = kv.indexOf('=');
      const value = kv.slice(eq + 1);
      ref.settings[kv.slice(0, eq)] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
    }
  }
  return ref;
}

/** Our reading of the same binary, in the reference's shape. */
function ours(binary: string): Reference {
  const raw = readGoBuildInfo(readFileSync(binary));
  assert.ok(raw, `${binary}: no build info found`);
  const info = parseModInfo(raw.modinfo);
  const mod = (m: { path: string; version: string; sum?: string }) => `${m.path}@${m.version}@${m.sum ?? ''}`;
  const r: Reference = {
    goVersion: raw.goVersion,
    deps: info.deps.map((d) => mod(d) + (d.replace ? ` => ${mod(d.replace)}` : '')),
    settings: info.settings,
  };
  if (info.path !== undefined) r.path = info.path;
  if (info.main) r.main = mod(info.main);
  return r;
}

function catalog(binary: string, path: string): CatalogedPackage[] {
  const analyzer = goBinaryCataloger.analyzers[0]!;
  const content = readFileSync(binary);
  const data = analyzer.analyze({ path, content, size: content.length, mode: 0o755, warn: () => {} });
  assert.ok(data && !(data instanceof Promise));
  const ctx = {
    results: () => [{ analyzer: analyzer.name, path, layerIndex: 2, data: JSON.parse(JSON.stringify(data)) }],
    location: (p: string, layerIndex: number) => ({ path: p, layerIndex }),
  } as unknown as CatalogContext;
  return goBinaryCataloger.catalog(ctx) as CatalogedPackage[];
}

/** A module zip as the module proxy protocol serves it (`go help goproxy`). */
function publish(proxy: string, path: string, version: string, files: Record<string, string>) {
  const dir = join(proxy, path, '@v');
  const stage = join(work, 'stage', `${path}@${version}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(stage, name, '..'), { recursive: true });
    writeFileSync(join(stage, name), text);
  }
  writeFileSync(join(dir, `${version}.info`), JSON.stringify({ Version: version, Time: '2023-01-02T03:04:05Z' }));
  writeFileSync(join(dir, `${version}.mod`), files['go.mod'] ?? '');
  writeFileSync(join(dir, 'list'), `${version}\n`);
  execFileSync('zip', ['-q', '-r', join(dir, `${version}.zip`), `${path}@${version}`], { cwd: join(work, 'stage') });
}

const built: Record<string, string> = {};

before(() => {
  if (skip) return;
  const proxy = join(work, 'proxy');
  publish(proxy, 'example.com/dep', 'v1.0.0', {
    'go.mod': 'module example.com/dep\n\ngo 1.18\n',
    'dep.go': 'package dep\n\nfunc Name() string { return "dep" }\n',
  });
  // a fork published under its own path that still declares the path it replaces
  publish(proxy, 'example.com/fork', 'v1.2.0', {
    'go.mod': 'module example.com/other\n\ngo 1.18\n',
    'other.go': 'package other\n\nfunc Name() string { return "fork" }\n',
  });
  const local = join(work, 'src/local');
  mkdirSync(local, { recursive: true });
  writeFileSync(join(local, 'go.mod'), 'module example.com/local\n\ngo 1.18\n');
  writeFileSync(join(local, 'local.go'), 'package local\n\nfunc Name() string { return "local" }\n');
  const app = join(work, 'src/app');
  mkdirSync(join(app, 'cmd/app'), { recursive: true });
  writeFileSync(join(app, 'go.mod'), [
    'module example.com/app', '', 'go 1.18', '',
    'require (', '\texample.com/dep v1.0.0', '\texample.com/other v0.1.0', '\texample.com/local v0.0.0', ')', '',
    'replace example.com/other => example.com/fork v1.2.0', '',
    'replace example.com/local => ../local', '',
  ].join('\n'));
  writeFileSync(join(app, 'cmd/app/main.go'), [
    'package main', '',
    'import (', '\t"fmt"', '\t"example.com/dep"', '\t"example.com/local"', '\t"example.com/other"', ')', '',
    'func main() { fmt.Println(dep.Name(), local.Name(), other.Name()) }', '',
  ].join('\n'));
  const env = {
    ...process.env,
    GOPROXY: `file://${proxy}`,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOCACHE: join(work, 'cache'),
    GOPATH: join(work, 'gopath'),
    GOMODCACHE: join(work, 'modcache'),
    CGO_ENABLED: '0',
    GO111MODULE: 'on',
  };
  const build = (out: string, ...flags: string[]) => {
    execFileSync('go', ['build', '-buildvcs=false', ...flags, '-o', join(work, out), './cmd/app'], { cwd: app, env, stdio: 'pipe' });
    built[out] = join(work, out);
  };
  build('app');
  build('app-stripped', '-ldflags=-s -w');

  // no section headers at all (as after sstrip): found by scanning the writable segment
  const noSections = readFileSync(built['app-stripped']!);
  noSections.writeBigUInt64LE(0n, 0x28); // e_shoff
  noSections.writeUInt16LE(0, 0x3c); // e_shnum
  noSections.writeUInt16LE(0, 0x3e); // e_shstrndx
  writeFileSync(join(work, 'app-nosections'), noSections, { mode: 0o755 });
  built['app-nosections'] = join(work, 'app-nosections');

  built['app-pointers'] = toPointerLayout(built['app']!, join(work, 'app-pointers'));
});

/**
 * Rewrites the build info into the layout linkers before Go 1.18 wrote: the header holds the
 * addresses of two Go string headers (placed at the start of .noptrdata) that point at the version
 * and module bytes. `go version -m` reads this layout too, so it stays the reference.
 */
function toPointerLayout(from: string, to: string): string {
  const data = readFileSync(from);
  const elf = parseElf(data)!;
  const info = elf.sections.find((s) => s.name === '.go.buildinfo')!;
  const spare = elf.sections.find((s) => s.name === '.noptrdata')!;
  const at = info.offset;
  const varint = (o: number) => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = data[o++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return { v, next: o };
      shift += 7;
    }
  };
  const vers = varint(at + 32);
  const mod = varint(vers.next + vers.v);
  const addrOf = (offset: number) => info.addr + BigInt(offset - info.offset);
  data.writeBigUInt64LE(addrOf(vers.next), spare.offset);
  data.writeBigUInt64LE(BigInt(vers.v), spare.offset + 8);
  data.writeBigUInt64LE(addrOf(mod.next), spare.offset + 16);
  data.writeBigUInt64LE(BigInt(mod.v), spare.offset + 24);
  data[at + 15] = 0; // little-endian, pointer layout
  data.writeBigUInt64LE(spare.addr, at + 16);
  data.writeBigUInt64LE(spare.addr + 16n, at + 24);
  writeFileSync(to, data, { mode: 0o755 });
  return to;
}

test('binaries built here read as `go version -m` reads them', { skip }, () => {
  for (const name of ['app', 'app-stripped', 'app-nosections', 'app-pointers']) {
    const binary = built[name]!;
    const ref = goVersionM(binary);
    assert.equal(ref.deps.length, 3, `${name}: the reference sees the three dependencies`);
    assert.deepEqual(ours(binary), ref, name);
  }
  assert.deepEqual(goVersionM(built['app-pointers']!), goVersionM(built['app']!), 'the pointer rewrite keeps the content');
});

test('packages: replacements applied, main module, stdlib', { skip }, () => {
  const ref = goVersionM(built['app']!);
  const packages = catalog(built['app']!, 'usr/local/bin/app');
  const byName = new Map(packages.map((p) => [p.name, p]));

  const main = byName.get('example.com/app');
  assert.equal(main?.version, '(devel)');
  assert.equal(main?.metadata?.main, 'true');
  assert.equal(main?.metadata?.mainPackage, ref.path);
  assert.ok(main?.purl.startsWith('pkg:golang/example.com/app@'), main?.purl);

  // every dependency the reference lists, as the module actually compiled in
  for (const line of ref.deps) {
    const [required, replacement] = line.split(' => ');
    const [rPath, rVersion, rSum] = (required ?? '').split('@');
    const [xPath, xVersion, xSum] = (replacement ?? '').split('@');
    // a directory replacement (`=> ../local (devel)`) has no version of its own
    const local = replacement !== undefined && /^(\.|\/)/.test(xPath ?? '');
    const path = replacement && !local ? xPath! : rPath!;
    const version = replacement && !local ? xVersion! : rVersion!;
    const p = byName.get(path);
    assert.ok(p, `${path} reported`);
    assert.equal(p.version, version);
    assert.equal(p.purl, `pkg:golang/${path}@${version}`);
    assert.equal(p.metadata?.sum ?? '', replacement && !local ? xSum : rSum);
    if (local) assert.equal(p.metadata?.replacement, xPath);
    if (replacement && !local) assert.equal(p.metadata?.replaces, `${rPath}@${rVersion}`);
  }
  assert.equal(byName.get('example.com/fork')?.version, 'v1.2.0');
  assert.ok(!byName.has('example.com/other'), 'the replaced module is reported as its replacement');
  assert.equal(byName.get('example.com/local')?.metadata?.replacement, '../local');

  const stdlib = byName.get('stdlib');
  assert.equal(stdlib?.version, ref.goVersion.replace(/^go/, '').split(' ')[0]);
  assert.equal(stdlib?.purl, `pkg:golang/stdlib@${stdlib?.version}`);
  for (const p of packages) {
    assert.equal(p.type, 'golang');
    assert.equal(p.cataloger, 'go-binary');
    assert.deepEqual(p.locations, [{ path: 'usr/local/bin/app', layerIndex: 2 }]);
    assert.equal(p.metadata?.goVersion, ref.goVersion);
    assert.equal(p.metadata?.GOOS, ref.settings.GOOS);
    assert.equal(p.metadata?.GOARCH, ref.settings.GOARCH);
  }
  assert.equal(packages.length, 1 + ref.deps.length + 1);
});

test('Go programs shipped on this system read as `go version -m` reads them', { skip }, () => {
  // skopeo and docker-registry are Debian packages; the others are checked when present
  const required = ['/usr/bin/skopeo', '/usr/bin/docker-registry'].filter((p) => existsSync(p));
  const optional = ['/usr/bin/kubectl', '/usr/local/bin/terraform', '/usr/bin/anthoscli', '/usr/bin/containerd', '/usr/bin/go']
    .filter((p) => existsSync(p));
  assert.ok(required.length > 0, 'install skopeo or docker-registry');
  for (const binary of [...required, ...optional]) assert.deepEqual(ours(binary), goVersionM(binary), binary);
});

test('files that are not Go programs give nothing', { skip }, () => {
  const analyzer = goBinaryCataloger.analyzers[0]!;
  for (const path of ['/bin/ls', '/bin/sh', '/etc/passwd']) {
    const content = readFileSync(path);
    assert.equal(analyzer.analyze({ path, content, size: content.length, mode: 0o755, warn: () => {} }), undefined, path);
  }
  // truncated Go binary: no throw
  const app = readFileSync(built['app']!);
  for (const n of [64, 4096, Math.floor(app.length / 2)]) readGoBuildInfo(app.subarray(0, n));
  assert.ok(analyzer.wants('usr/bin/app', { size: 2_000_000, mode: 0o100755 }));
  assert.ok(!analyzer.wants('usr/bin/app', { size: 2_000_000, mode: 0o100644 }));
  assert.ok(!analyzer.wants('usr/bin/tiny', { size: 100, mode: 0o100755 }));
});

test('version strings and quoted build settings', () => {
  assert.equal(stdlibVersion('go1.21.5'), '1.21.5');
  assert.equal(stdlibVersion('go1.21.0 X:boringcrypto'), '1.21.0');
  assert.equal(stdlibVersion('go1.22rc1'), '1.22rc1');
  assert.equal(stdlibVersion('devel go1.22-abcdef'), 'devel go1.22-abcdef');
  // JSON and Go agree on these escapes; Go's own \x and \a are checked by value
  for (const s of ['-s -w', 'a"b\\c', 'tab\there', 'ünï', 'emoji 😀']) assert.equal(unquoteGo(JSON.stringify(s)), s);
  assert.equal(unquoteGo('"\\x41\\a\\101"'), 'A\x07A');
  const info = parseModInfo('path\tx/cmd\nbuild\t-ldflags="-s -w -X main.v=1"\nbuild\t"we=ird"=v\nbuild\tGOOS=linux\n');
  assert.deepEqual(info.settings, { '-ldflags': '-s -w -X main.v=1', 'we=ird': 'v', GOOS: 'linux' });
});
