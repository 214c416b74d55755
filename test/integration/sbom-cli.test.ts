/**
 * `bulkhead sbom` end to end on the Debian fixture: a CycloneDX file that validates against the
 * official schema and lists what the library found; credentials from standard input; and damaged
 * inputs (truncated archives, a flipped byte in a gzip layer) failing with a non-zero exit code, a
 * one-line message and no output file left behind.
 */
import assert from 'node:assert/strict';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeSync, linkSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeImage } from '../../src/index.js';
import { validateCycloneDx } from '../../src/sbom/index.js';
import { runCli } from '../harness/cli.js';
import { debianFixture, pushToRegistry, type DebianFixture } from '../harness/fixtures.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';

let fixture: DebianFixture;
let work: string;
const registries: RunningRegistry[] = [];

before(async () => {
  fixture = await debianFixture();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-cli-test-'));
});

after(async () => {
  for (const r of registries) await r.stop();
  rmSync(work, { recursive: true, force: true });
});

interface CdxComponent { name?: string; version?: string; purl?: string; components?: CdxComponent[] }

function purlsOf(components: CdxComponent[] | undefined): string[] {
  return (components ?? []).flatMap((c) => [...(c.purl ? [c.purl] : []), ...purlsOf(c.components)]);
}

/** A failed run says why on one line of standard error and leaves no file at the output path. */
function assertCleanFailure(label: string, result: { code: number; stderr: string }, outFile: string): void {
  assert.notEqual(result.code, 0, `${label}: exit code`);
  assert.notEqual(result.code, 70, `${label}: an internal error is a crash, not a diagnosis: ${result.stderr}`);
  const lines = result.stderr.trim().split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `${label}: one-line message, got:\n${result.stderr}`);
  assert.equal(existsSync(outFile), false, `${label}: no output file left behind`);
  assert.deepEqual(readdirSync(dirname(outFile)).filter((n) => n.includes(basename(outFile))), [], `${label}: no temporary file left beside the output`);
}

/** Copies the first `fraction` of a file. */
function truncatedCopy(src: string, dest: string, fraction: number): void {
  const size = Math.floor(statSync(src).size * fraction);
  const input = openSync(src, 'r');
  const output = openSync(dest, 'w');
  const buf = Buffer.alloc(1 << 20);
  let done = 0;
  while (done < size) {
    const n = readSync(input, buf, 0, Math.min(buf.length, size - done), done);
    if (n <= 0) break;
    writeSync(output, buf, 0, n);
    done += n;
  }
  closeSync(input);
  closeSync(output);
}

/** An OCI layout like the fixture's whose largest layer blob has one byte flipped mid-stream. */
function corruptedLayout(): string {
  const dir = join(work, 'oci-corrupt');
  cpSync(fixture.ociDir, dir, { recursive: true, filter: (src) => !src.includes('/blobs/sha256/') || statSync(src).isDirectory() });
  const blobs = join(fixture.ociDir, 'blobs', 'sha256');
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const names = readdirSync(blobs);
  const largest = names.reduce((a, b) => (statSync(join(blobs, a)).size >= statSync(join(blobs, b)).size ? a : b));
  for (const name of names) {
    if (name === largest) copyFileSync(join(blobs, name), join(dir, 'blobs', 'sha256', name));
    else linkSync(join(blobs, name), join(dir, 'blobs', 'sha256', name));
  }
  const target = join(dir, 'blobs', 'sha256', largest);
  const fd = openSync(target, 'r+');
  const offset = Math.floor(statSync(target).size / 2);
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, offset);
  byte[0] = (byte[0] ?? 0) ^ 0xff;
  writeSync(fd, byte, 0, 1, offset);
  closeSync(fd);
  return dir;
}

describe('bulkhead sbom on the Debian fixture', () => {
  test('--format cyclonedx-json -o FILE writes a valid BOM listing every package', async () => {
    const out = join(work, 'fixture.cdx.json');
    const result = await runCli(['sbom', `docker-archive:${fixture.archivePath}`, '--format', 'cyclonedx-json', '-o', out, '--no-cache']);
    assert.equal(result.code, 0, `exit code; stderr:\n${result.stderr}`);
    assert.equal(result.stdout, '', 'with -o nothing goes to standard output');
    const text = readFileSync(out, 'utf8');
    assert.equal(await validateCycloneDx(text), null, 'the BOM validates against the CycloneDX schema');
    const bom = JSON.parse(text) as { components?: CdxComponent[] };
    const analysis = await analyzeImage(`docker-archive:${fixture.archivePath}`, { cacheDir: false });
    assert.deepEqual(new Set(purlsOf(bom.components)), new Set(analysis.packages.map((p) => p.purl)), 'one component per package');
    const names = new Set((bom.components ?? []).map((c) => `${c.name}`));
    for (const d of fixture.references.dpkg) assert.ok(names.has(d.name), `dpkg package ${d.name} is a component`);
  });

  test('registry credentials from --password-stdin', async () => {
    const registry = await startRegistry({ auth: 'htpasswd' });
    registries.push(registry);
    const refs = await pushToRegistry(fixture, registry);
    const out = join(work, 'registry.json');
    const ok = await runCli(['sbom', refs.oci, '--format', 'json', '-o', out, '--no-cache', '--username', registry.username, '--password-stdin'], {
      input: registry.password + '\n',
    });
    assert.equal(ok.code, 0, `exit code; stderr:\n${ok.stderr}`);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { packages?: unknown[] };
    assert.ok(Array.isArray(json.packages) && json.packages.length >= fixture.references.dpkg.length, 'json output lists the packages');

    const denied = join(work, 'denied.json');
    const bad = await runCli(['sbom', refs.oci, '--format', 'json', '-o', denied, '--no-cache', '--username', registry.username, '--password-stdin'], {
      input: 'not-the-password\n',
    });
    assertCleanFailure('wrong password', bad, denied);
    assert.match(bad.stderr, /unauthori[sz]ed|credentials|password|401/i, 'the message says authentication failed');
  });

  test('a truncated docker-archive fails cleanly', async () => {
    const truncated = join(work, 'truncated.tar');
    truncatedCopy(fixture.archivePath, truncated, 0.5);
    const out = join(work, 'truncated.cdx.json');
    const result = await runCli(['sbom', `docker-archive:${truncated}`, '--format', 'cyclonedx-json', '-o', out, '--no-cache']);
    assertCleanFailure('truncated docker-archive', result, out);
    assert.ok(result.stderr.includes(truncated), `the message names the input: ${result.stderr}`);
  });

  test('a truncated oci-archive fails cleanly', async () => {
    const truncated = join(work, 'truncated-oci.tar');
    truncatedCopy(fixture.ociArchivePath, truncated, 0.6);
    const out = join(work, 'truncated-oci.cdx.json');
    const result = await runCli(['sbom', `oci-archive:${truncated}`, '--format', 'cyclonedx-json', '-o', out, '--no-cache']);
    assertCleanFailure('truncated oci-archive', result, out);
  });

  test('a gzip layer with a flipped byte is LAYER_CORRUPT or DIGEST_MISMATCH', async () => {
    const dir = corruptedLayout();
    await assert.rejects(
      analyzeImage(`oci:${dir}`, { cacheDir: false }),
      (e: { code?: string; message?: string }) => {
        assert.ok(e.code === 'LAYER_CORRUPT' || e.code === 'DIGEST_MISMATCH', `code ${e.code}: ${e.message}`);
        return true;
      },
    );
    const out = join(work, 'corrupt.cdx.json');
    const result = await runCli(['sbom', `oci:${dir}`, '--format', 'cyclonedx-json', '-o', out, '--no-cache']);
    assertCleanFailure('flipped byte', result, out);
  });
});
