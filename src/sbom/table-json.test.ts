import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeSbom } from './index.js';
import { hostAnalysis } from './testing/host-analysis.js';
import { truncate } from './table-encode.js';

const analysis = hostAnalysis();

test('json: the analysis itself, schemaVersion first, stable bytes, no file index', () => {
  const withFiles = { ...analysis, files: { not: 'serialised' } as never };
  const text = encodeSbom(withFiles, 'json');
  assert.ok(text.startsWith('{\n  "schemaVersion": 1,'));
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.equal(parsed.files, undefined);
  const { files: _, ...expected } = withFiles;
  assert.deepEqual(parsed, JSON.parse(JSON.stringify(expected)));
  // reordering keys in the input does not change the output
  const shuffled = { warnings: analysis.warnings, packages: analysis.packages, os: analysis.os, image: analysis.image, schemaVersion: 1 as const };
  assert.equal(encodeSbom(shuffled, 'json'), text);
});

test('table: header facts, then one row per package sorted by type and name', () => {
  const text = encodeSbom(analysis, 'table');
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.some((l) => l.startsWith('Image:') && l.includes(analysis.image.reference)));
  assert.ok(lines.some((l) => l.startsWith('Packages:') && l.includes(String(analysis.packages.length))));
  const head = lines.findIndex((l) => /^NAME\s+VERSION\s+TYPE\s+LAYER\s+PATH$/.test(l));
  assert.ok(head > 0);
  const rows = lines.slice(head + 1);
  assert.equal(rows.length, analysis.packages.length);
  const starts = [...lines[head]!.matchAll(/\S+/g)].map((m) => m.index);
  const typeAt = starts[2]!;
  const cells = rows.map((r) => [r.slice(0, starts[1]).trim(), r.slice(typeAt, starts[3]).trim()] as const);
  const sorted = [...cells].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  assert.deepEqual(cells, sorted);
  assert.ok(!text.includes('\u001b'), 'no colour unless asked');
  assert.ok(encodeSbom(analysis, 'table', { color: true }).includes('\u001b[1mNAME'));
});

test('table: long values end in an ellipsis and keep the column cap', () => {
  const long = 'x'.repeat(200);
  const pkg = { ...analysis.packages[0]!, name: long, locations: [{ path: `usr/${long}`, layerIndex: 0 }] };
  const text = encodeSbom({ ...analysis, packages: [pkg] }, 'table');
  const row = text.trimEnd().split('\n').at(-1)!;
  assert.ok(row.startsWith('x'.repeat(39) + '…'));
  assert.ok(row.endsWith('…'));
  assert.equal(truncate('abc', 3), 'abc');
  assert.equal(truncate('abcd', 3), 'ab…');
  assert.equal(truncate('a\u001b[31mb', 10), 'a [31mb');
});
