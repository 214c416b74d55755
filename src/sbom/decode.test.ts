import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BulkheadError } from '../errors.js';
import { decodeSbom, encodeSbom } from './index.js';
import { firstErrorOffset } from './json-text.js';
import { hostAnalysis } from './testing/host-analysis.js';

const analysis = hostAnalysis();
const cdx = encodeSbom(analysis, 'cyclonedx-json');
const spdx = encodeSbom(analysis, 'spdx-json');

function rejects(text: string, path: string, reason: RegExp): void {
  assert.throws(
    () => decodeSbom(text, path),
    (e: unknown) => {
      assert.ok(e instanceof BulkheadError);
      assert.equal(e.code, 'SBOM_INVALID');
      assert.ok(e.message.startsWith(`${path}: `), e.message);
      assert.ok(!e.message.includes('\n'), 'one line');
      assert.match(e.message, reason);
      return true;
    },
  );
}

test('malformed inputs are SBOM_INVALID naming the path', () => {
  rejects('', 'empty.json', /not valid JSON at line 1 column 1/);
  rejects('[1, 2]', 'array.json', /expected a JSON object/);
  rejects('{"hello": "world"}', 'other.json', /neither CycloneDX .* nor SPDX/);
  rejects('<?xml version="1.0"?><bom/>', 'bom.xml', /XML/);
  rejects('SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n', 'doc.spdx', /tag-value/);
  rejects('{"bomFormat":"CycloneDX","specVersion":"1.2"}', 'old.json', /specVersion: unsupported CycloneDX version "1.2"/);
  rejects('{"spdxVersion":"SPDX-3.0"}', 'new.json', /spdxVersion: unsupported SPDX version/);
  rejects('{"bomFormat":"CycloneDX","specVersion":"1.6","components":{}}', 'c.json', /components: expected an array/);
  rejects('{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","purl":7}]}', 'p.json', /components\[0\]\.purl: expected a string/);
  rejects('{"spdxVersion":"SPDX-2.3","packages":[{"name":"x","externalRefs":[5]}]}', 's.json', /packages\[0\]\.externalRefs\[0\]: expected an object/);
});

test('JSON syntax errors name line and column, from the SBOM itself cut short', () => {
  const lines = cdx.split('\n');
  const cut = lines.slice(0, 40).join('\n') + '\n  ,,';
  rejects(cut, 'cut.json', /not valid JSON at line 41 column 3/);
});

test('the JSON error scanner agrees with V8 wherever V8 reports a position', () => {
  // differential: mutate real SBOM text and compare with JSON.parse's "at position N"
  let compared = 0;
  for (const source of [cdx.slice(0, 5000), spdx.slice(0, 5000)]) {
    for (let at = 0; at < source.length; at += 37) {
      for (const mutate of [(s: string) => s.slice(0, at), (s: string) => s.slice(0, at) + '\u0001' + s.slice(at), (s: string) => s.slice(0, at) + '}' + s.slice(at)]) {
        const text = mutate(source);
        let position: number | undefined;
        try {
          JSON.parse(text);
          assert.equal(firstErrorOffset(text), text.length);
          continue;
        } catch (e) {
          const m = /at position (\d+)/.exec((e as Error).message);
          if (m) position = Number(m[1]);
        }
        if (position === undefined) continue;
        assert.equal(firstErrorOffset(text), position, JSON.stringify(text.slice(Math.max(0, position - 20), position + 20)));
        compared++;
      }
    }
  }
  assert.ok(compared > 100, `compared ${compared}`);
});

test('valid JSON is recognised as such by the scanner', () => {
  assert.equal(firstErrorOffset(cdx), cdx.length);
  assert.equal(firstErrorOffset(spdx), spdx.length);
});

/** CycloneDX SBOMs other tools wrote that ship on this machine (Python wheels, Debian packages). */
function foreignSboms(): string[] {
  const found: string[] = [];
  const roots = ['/usr/lib/python3/dist-packages', ...['/root/.pyenv/versions', '/usr/local/lib'].filter(existsSync)];
  const walk = (dir: string, depth: number): void => {
    if (depth > 6 || found.length >= 8) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path, depth + 1);
      else if (/cyclonedx\.json$|^sbom\.json$/.test(e.name) && dir.endsWith('sboms')) found.push(path);
    }
  };
  for (const root of roots) walk(root, 0);
  const jetty = '/usr/lib/google-cloud-sdk/platform/google_appengine/google/appengine/tools/java/jetty12/jetty-home/jetty-home-12.0.20-cyclonedx.json';
  if (existsSync(jetty)) found.push(jetty);
  return found;
}

const foreign = foreignSboms();
test('CycloneDX SBOMs written by other tools decode, one package per distinct component purl', { skip: foreign.length === 0 && 'no third-party CycloneDX SBOM on this machine' }, () => {
  for (const path of foreign) {
    const text = readFileSync(path, 'utf8');
    const json = JSON.parse(text) as { components?: unknown[] };
    const purls = new Set<string>();
    const collect = (list: unknown[] | undefined): void => {
      for (const c of (list ?? []) as { purl?: string; type?: string; components?: unknown[] }[]) {
        if (c.purl && c.type !== 'container' && c.type !== 'operating-system') purls.add(c.purl);
        collect(c.components);
      }
    };
    collect(json.components);
    const decoded = decodeSbom(text, path);
    assert.equal(decoded.format, 'cyclonedx');
    assert.deepEqual(new Set(decoded.packages.filter((p) => !p.purl.startsWith('pkg:generic/') || purls.has(p.purl)).map((p) => p.purl)), purls, path);
    for (const p of decoded.packages) assert.ok(p.name && p.purl, path);
  }
});
