import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { osvDataDir } from '../../../test/harness/osv-mirror.js';
import { osvRecordProblem } from './record-check.js';

const realRecords = () => {
  const dir = osvDataDir();
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory())
    .flatMap((d) => readdirSync(join(dir, d)).map((f) => ({ file: `${d}/${f}`, value: JSON.parse(readFileSync(join(dir, d, f), 'utf8')) as Record<string, unknown> })));
};

test('every real OSV record in the shared data passes the shape check', () => {
  const records = realRecords();
  assert.ok(records.length > 100);
  for (const { file, value } of records) assert.equal(osvRecordProblem(value), undefined, file);
});

test('broken essentials are named', () => {
  const base = realRecords().find((r) => Array.isArray(r.value.affected) && (r.value.affected as unknown[]).length > 0)!.value;
  const broken = (change: (r: Record<string, any>) => void) => {
    const copy = structuredClone(base) as Record<string, any>;
    change(copy);
    return osvRecordProblem(copy);
  };
  assert.match(broken((r) => delete r.id)!, /"id"/);
  assert.match(broken((r) => (r.modified = 'yesterday'))!, /"modified"/);
  assert.match(broken((r) => (r.aliases = 'CVE-1'))!, /"aliases"/);
  assert.match(broken((r) => (r.affected = {}))!, /"affected"/);
  assert.match(broken((r) => (r.affected[0].package = { name: 'x' }))!, /affected\[0\]\.package\.ecosystem/);
  assert.match(broken((r) => (r.affected[0].ranges = [{ type: 'ECOSYSTEM', events: [{ fixed: 1 }] }]))!, /events\[0\]\.fixed/);
  assert.match(broken((r) => (r.affected[0].ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }]))!, /events\[0\]/);
  assert.equal(osvRecordProblem([]), 'not a JSON object');
});
