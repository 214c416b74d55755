import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AnalyzerResult } from '../../image/analyzer.js';
import type { CatalogContext, CatalogedPackage } from '../cataloger.js';
import { createJavaArchiveCataloger } from './java-cataloger.js';
import { readJavaArchiveTree } from './java-archive.js';

/*
 * Real jars from Debian packages (libcommons-lang3-java, libslf4j-java, libcommons-io-java) are
 * read and compared with what `unzip` and `sha1sum` report; nested and hostile archives are built
 * here with the `zip` and `jar` tools.
 */

const JAVA_DIR = '/usr/share/java';
const have = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const tools = have('unzip') && have('zip') && have('sha1sum');
const missing = !tools || !['commons-lang3.jar', 'slf4j-api.jar', 'commons-io.jar'].every((j) => existsSync(join(JAVA_DIR, j)));
const skip = false;
test('reference tools and real jars are installed', () => {
  assert.ok(!missing, 'needs unzip, zip and the libcommons-lang3-java, libslf4j-java, libcommons-io-java packages');
});

const work = mkdtempSync(join(tmpdir(), 'bulkhead-java-'));
after(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
const sha1sum = (path: string) => run('sha1sum', [path]).split(' ')[0];

/** The reference: every pom.properties in the jar as `unzip` extracts it, as g:a:v. */
function unzipCoordinates(jar: string): string[] {
  const members = run('unzip', ['-Z1', jar]).split('\n').filter((m) => /^META-INF\/maven\/.+\/pom\.properties$/.test(m));
  return members.map((m) => {
    const props = new Map<string, string>();
    for (const line of run('unzip', ['-p', jar, m]).split(/\r?\n/)) {
      const eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith('#')) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
    return `${props.get('groupId')}:${props.get('artifactId')}:${props.get('version')}`;
  });
}

/** The reference for guessed versions: the manifest's main-section headers as `unzip` prints them. */
function manifestVersion(jar: string): string | undefined {
  let text: string;
  try {
    text = run('unzip', ['-p', jar, 'META-INF/MANIFEST.MF']);
  } catch {
    return undefined;
  }
  const main = text.replace(/\r\n/g, '\n').replace(/\n /g, '').split('\n\n')[0] ?? '';
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(main)?.[1]?.trim();
  return header('Implementation-Version') ?? header('Bundle-Version') ?? header('Specification-Version');
}

function realJars(): string[] {
  return readdirSync(JAVA_DIR)
    .filter((f) => f.endsWith('.jar') && !lstatSync(join(JAVA_DIR, f)).isSymbolicLink())
    .map((f) => join(JAVA_DIR, f));
}

/** Runs the cataloger the way the orchestrator does: analyse each file, then catalog. */
async function catalogFiles(files: { path: string; content: Buffer }[], limits?: Parameters<typeof createJavaArchiveCataloger>[0]) {
  const cataloger = createJavaArchiveCataloger(limits);
  const analyzer = cataloger.analyzers[0]!;
  const results: AnalyzerResult[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    const header = { size: f.content.length, mode: 0o644 };
    if (!analyzer.wants(f.path, header)) continue;
    const data = await analyzer.analyze({ ...header, path: f.path, content: f.content, warn: (m) => warnings.push(`${f.path}: ${m}`) });
    if (data !== undefined) results.push({ analyzer: analyzer.name, path: f.path, layerIndex: 0, data: JSON.parse(JSON.stringify(data)) });
  }
  const ctx = {
    results: () => results,
    layers: [],
    location: (path: string, layerIndex: number) => ({ path, layerIndex, layerDigest: 'sha256:layer' }),
    warn: (m: string) => warnings.push(m),
  } as unknown as CatalogContext;
  const packages = (await cataloger.catalog(ctx)) as CatalogedPackage[];
  return { packages, warnings };
}

const gav = (p: CatalogedPackage) => `${p.namespace}:${p.name}:${p.version}`;

test('Debian jars: coordinates match unzip, hashes match sha1sum', { skip }, async () => {
  const jars = realJars();
  assert.ok(jars.length >= 3);
  let withPom = 0;
  for (const jar of jars) {
    const rel = jar.slice(1);
    const { packages, warnings } = await catalogFiles([{ path: rel, content: readFileSync(jar) }]);
    assert.deepEqual(warnings, [], jar);
    const reference = [...new Set(unzipCoordinates(jar))].sort();
    if (reference.length > 0) {
      withPom++;
      assert.deepEqual(packages.map(gav).sort(), reference, jar);
      for (const p of packages) {
        assert.equal(p.metadata?.coordinates, 'pom');
        assert.equal(p.purl, `pkg:maven/${p.namespace}/${p.name}@${p.version}`);
      }
    } else {
      // no pom.properties: at most one guessed package, marked so, with the manifest's version
      assert.ok(packages.length <= 1, jar);
      const manifest = manifestVersion(jar);
      if (manifest) {
        assert.equal(packages[0]?.version, manifest, jar);
        assert.equal(packages[0]?.metadata?.coordinates, 'manifest', jar);
      } else if (packages[0]) assert.equal(packages[0].metadata?.coordinates, 'filename', jar);
    }
    for (const p of packages) {
      assert.equal(p.hashes?.sha1, sha1sum(jar), jar);
      assert.equal(p.locations[0]?.path, rel);
      assert.equal(p.type, 'maven');
    }
  }
  assert.ok(withPom >= 2);
});

test('manifest fallback follows the jar tool: continuation lines and version headers', async () => {
  assert.ok(have('jar'), 'needs jar (Debian package openjdk-17-jdk-headless)');
  const dir = join(work, 'manifest');
  mkdirSync(dir, { recursive: true });
  const title = 'A very long implementation title that the jar tool must wrap over several manifest lines';
  writeFileSync(join(dir, 'm.txt'), `Implementation-Title: ${title}\nImplementation-Version: 7.8.9-rc1\nBundle-SymbolicName: org.example.widget;singleton:=true\n`);
  writeFileSync(join(dir, 'x.txt'), 'x');
  run('jar', ['--create', '--file', 'widget.jar', '--manifest', 'm.txt', 'x.txt'], dir);
  const raw = run('unzip', ['-p', join(dir, 'widget.jar'), 'META-INF/MANIFEST.MF']);
  assert.match(raw, /\r?\n /, 'the jar tool wrapped the title');
  const { packages } = await catalogFiles([{ path: 'opt/widget.jar', content: readFileSync(join(dir, 'widget.jar')) }]);
  assert.equal(packages.length, 1);
  const p = packages[0]!;
  assert.equal(p.metadata?.['Implementation-Title'], title);
  assert.equal(p.version, '7.8.9-rc1');
  assert.equal(p.name, 'org.example.widget');
  assert.equal(p.metadata?.coordinates, 'manifest');

  // a jar named like a Maven artefact with no manifest version: name and version from the file name
  run('jar', ['--create', '--file', 'plain-tool-2.4.1.jar', 'x.txt'], dir);
  const byName = await catalogFiles([{ path: 'opt/plain-tool-2.4.1.jar', content: readFileSync(join(dir, 'plain-tool-2.4.1.jar')) }]);
  assert.deepEqual(byName.packages.map((x) => [x.name, x.version, x.metadata?.coordinates]), [['plain-tool', '2.4.1', 'filename']]);
});

/** Builds app.war: two Debian jars in WEB-INF/lib and a jar holding a jar (BOOT-INF/lib style). */
function buildWar(): { war: string; inner: Record<string, string> } {
  const dir = join(work, 'war');
  mkdirSync(join(dir, 'WEB-INF/lib'), { recursive: true });
  mkdirSync(join(dir, 'fat/BOOT-INF/lib'), { recursive: true });
  copyFileSync(join(JAVA_DIR, 'commons-lang3.jar'), join(dir, 'WEB-INF/lib/commons-lang3-3.12.0.jar'));
  copyFileSync(join(JAVA_DIR, 'slf4j-api.jar'), join(dir, 'WEB-INF/lib/slf4j-api.jar'));
  copyFileSync(join(JAVA_DIR, 'commons-io.jar'), join(dir, 'fat/BOOT-INF/lib/commons-io.jar'));
  writeFileSync(join(dir, 'fat/app.txt'), 'fat jar without its own coordinates');
  run('zip', ['-q', '-r', '-0', '../WEB-INF/lib/fat-1.0.jar', 'BOOT-INF', 'app.txt'], join(dir, 'fat'));
  run('zip', ['-q', '-r', 'app.war', 'WEB-INF'], dir);
  return {
    war: join(dir, 'app.war'),
    inner: {
      'WEB-INF/lib/commons-lang3-3.12.0.jar': join(dir, 'WEB-INF/lib/commons-lang3-3.12.0.jar'),
      'WEB-INF/lib/slf4j-api.jar': join(dir, 'WEB-INF/lib/slf4j-api.jar'),
      'WEB-INF/lib/fat-1.0.jar!/BOOT-INF/lib/commons-io.jar': join(dir, 'fat/BOOT-INF/lib/commons-io.jar'),
    },
  };
}

test('nested archives are found with outer!/inner paths and their own sha1', { skip }, async () => {
  const { war, inner } = buildWar();
  const { packages, warnings } = await catalogFiles([{ path: 'srv/app.war', content: readFileSync(war) }]);
  assert.deepEqual(warnings, []);
  for (const [archivePath, file] of Object.entries(inner)) {
    const found = packages.filter((p) => p.metadata?.archivePath === archivePath);
    assert.deepEqual(found.map(gav).sort(), [...new Set(unzipCoordinates(file))].sort(), archivePath);
    for (const p of found) {
      assert.equal(p.locations[0]?.path, `srv/app.war!/${archivePath}`);
      assert.equal(p.locations[0]?.layerDigest, 'sha256:layer');
      assert.equal(p.hashes?.sha1, sha1sum(file));
    }
  }
  // the fat jar itself has no pom: a file-name guess, still located inside the war
  const fat = packages.find((p) => p.metadata?.archivePath === 'WEB-INF/lib/fat-1.0.jar');
  assert.deepEqual([fat?.name, fat?.version, fat?.metadata?.coordinates], ['fat', '1.0', 'filename']);

  // depth 1: the jar inside the fat jar is not read, and a warning says so
  const shallow = await catalogFiles([{ path: 'srv/app.war', content: readFileSync(war) }], { maxArchiveDepth: 1 });
  assert.ok(!shallow.packages.some((p) => p.metadata?.archivePath?.includes('!/')));
  assert.ok(shallow.packages.some((p) => p.metadata?.archivePath === 'WEB-INF/lib/fat-1.0.jar'));
  assert.match(shallow.warnings.join('\n'), /WEB-INF\/lib\/fat-1\.0\.jar: 1 nested archive\(s\) below the depth limit/);
});

/** Offsets of a member's local and central headers (APPNOTE.TXT 4.3.7, 4.3.12). */
function memberHeaders(zip: Buffer, name: string): { local: number; central: number } {
  const central = zip.indexOf(Buffer.concat([Buffer.from([0x50, 0x4b, 0x01, 0x02])]));
  for (let o = central; o >= 0; o = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), o + 4)) {
    const len = zip.readUInt16LE(o + 28);
    if (zip.toString('latin1', o + 46, o + 46 + len) === name) return { local: zip.readUInt32LE(o + 42), central: o };
  }
  throw new Error(`${name} not in zip`);
}

/** Rewrites the uncompressed size both headers declare for a member. */
function lieAboutSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const { local, central } = memberHeaders(out, name);
  out.writeUInt32LE(size, local + 22);
  out.writeUInt32LE(size, central + 24);
  return out;
}

function zipOf(name: string, files: Record<string, Buffer>, level = '-9'): Buffer {
  const dir = join(work, name);
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  run('zip', ['-q', level, '-r', 'out.zip', ...Object.keys(files)], dir);
  return readFileSync(join(dir, 'out.zip'));
}

test('zip-bomb guard: ratio, member cap, expansion budget', { skip }, async () => {
  const lang3 = readFileSync(join(JAVA_DIR, 'commons-lang3.jar'));
  // 8 MiB of zeros deflates about 1000:1, over the default ratio
  const bomb = zipOf('bomb', { 'lib/zeros.jar': Buffer.alloc(8 * 1024 * 1024) });
  let r = await readJavaArchiveTree(bomb, 'bomb.jar');
  assert.match(r.warnings.join('\n'), /member lib\/zeros\.jar: declares 8388608 bytes from \d+ compressed, a ratio over 200; not inflated/);

  // an incompressible 2 MiB member under a 1 MiB cap
  const big = zipOf('big', { 'lib/noise.jar': randomBytes(2 * 1024 * 1024) });
  r = await readJavaArchiveTree(big, 'big.jar', { maxArchiveBytes: 1024 * 1024 });
  assert.match(r.warnings.join('\n'), /member lib\/noise\.jar: declares 2097152 bytes uncompressed, over the 1048576-byte cap; not inflated/);

  // two real jars under a budget that holds only one: the second is refused and reading stops
  const two = zipOf('two', { 'lib/a.jar': lang3, 'lib/b.jar': lang3, 'lib/c.jar': lang3 });
  r = await readJavaArchiveTree(two, 'two.jar', { maxArchiveExpandedBytes: Math.floor(lang3.length * 1.5) });
  assert.deepEqual(r.archives.map((a) => a.archivePath), ['lib/a.jar']);
  assert.match(r.warnings.join('\n'), /member lib\/b\.jar: declares \d+ bytes, over what is left of the archive's expansion budget/);
  assert.doesNotMatch(r.warnings.join('\n'), /lib\/c\.jar/);
});

test('zip-bomb guard: a header that understates the size is caught while inflating', { skip }, async () => {
  // 64 MiB of zeros claiming to be 100 KiB (ratio within bounds): inflation must stop near 100 KiB
  const honest = zipOf('liar', { 'lib/liar.jar': Buffer.alloc(64 * 1024 * 1024) });
  const liar = lieAboutSize(honest, 'lib/liar.jar', 100 * 1024);
  const r = await readJavaArchiveTree(liar, 'liar.jar');
  const w = r.warnings.join('\n');
  const m = /member lib\/liar\.jar: inflates past its declared 102400 bytes \(header is wrong\); aborted after (\d+) bytes/.exec(w);
  assert.ok(m, w);
  assert.ok(Number(m[1]) < 1024 * 1024, `stopped after ${m[1]} bytes`);

  // a header that overstates the size is wrong too; the member is not used
  const lang3 = readFileSync(join(JAVA_DIR, 'commons-lang3.jar'));
  const over = lieAboutSize(zipOf('over', { 'lib/x.jar': lang3 }, '-1'), 'lib/x.jar', lang3.length + 1000);
  const o = await readJavaArchiveTree(over, 'over.jar');
  assert.match(o.warnings.join('\n'), new RegExp(`member lib/x\\.jar: inflates to ${lang3.length} bytes, not the declared ${lang3.length + 1000}`));
  assert.equal(o.archives.length, 0);
});

test('corrupt archives warn and do not throw', { skip }, async () => {
  const lang3 = readFileSync(join(JAVA_DIR, 'commons-lang3.jar'));
  const cases: [string, Buffer][] = [
    ['random.jar', randomBytes(4096)],
    ['truncated.jar', lang3.subarray(0, lang3.length - 100)],
    ['headless.jar', lang3.subarray(1000)],
  ];
  for (const [name, content] of cases) {
    const { packages, warnings } = await catalogFiles([{ path: name, content }]);
    assert.ok(warnings.length > 0, name);
    assert.ok(warnings.every((w) => w.startsWith(`${name}: `)), name);
    assert.ok(packages.length <= 1, name);
  }
  // a zip with a corrupt deflate stream inside: the member is skipped, the rest read
  const zip = zipOf('corrupt', { 'META-INF/maven/g/a/pom.properties': Buffer.from('groupId=g\nartifactId=a\nversion=1\n'.repeat(20)) });
  const { local } = memberHeaders(zip, 'META-INF/maven/g/a/pom.properties');
  const bad = Buffer.from(zip);
  const dataStart = local + 30 + bad.readUInt16LE(local + 26) + bad.readUInt16LE(local + 28);
  bad.fill(0xff, dataStart, dataStart + 8);
  const r = await readJavaArchiveTree(bad, 'corrupt-1.0.jar');
  assert.match(r.warnings.join('\n'), /member META-INF\/maven\/g\/a\/pom\.properties: (corrupt|inflates)/);
});

test('wants: archive extensions only, any case', () => {
  const [a] = createJavaArchiveCataloger().analyzers;
  const h = { size: 1000, mode: 0o644 };
  for (const p of ['a.jar', 'x/y.WAR', 'b.ear', 'p.par', 's.sar', 'j.jpi', 'h.hpi', 'n.nar']) assert.ok(a!.wants(p, h), p);
  for (const p of ['a.zip', 'jar', 'a.jar/x', 'a.jar.sha1', 'x.jarx']) assert.ok(!a!.wants(p, h), p);
  assert.ok(!a!.wants('a.jar', { size: 10, mode: 0o644 }));
});
