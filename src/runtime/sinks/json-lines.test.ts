import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { collectingReporter } from '../../progress.js';
import { openJsonLinesSink } from './json-lines.js';
import { sampleEvent } from './test-events.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('appends one JSON object per line, creating the folder; a second sink appends, never truncates', async () => {
  const path = join(dir, 'a', 'b', 'events.jsonl');
  const first = openJsonLinesSink(path);
  for (let i = 0; i < 50; i++) first.write(sampleEvent(i));
  await first.close();
  const second = openJsonLinesSink(path);
  for (let i = 50; i < 60; i++) second.write(sampleEvent(i));
  await second.close();
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), Array.from({ length: 60 }, (_, i) => sampleEvent(i)));
});

test('after logrotate renames the file, the next write goes to a new file at the path', async () => {
  const path = join(dir, 'rotated.jsonl');
  const sink = openJsonLinesSink(path);
  sink.write(sampleEvent(1));
  renameSync(path, path + '.1');
  await new Promise((r) => setTimeout(r, 1100)); // the path is checked at most once a second
  sink.write(sampleEvent(2));
  await sink.close();
  assert.deepEqual(JSON.parse(readFileSync(path + '.1', 'utf8')), sampleEvent(1));
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), sampleEvent(2));
});

test('a stream gets whole lines; a failed stream is counted and reported, never thrown', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  const reporter = collectingReporter();
  const sink = openJsonLinesSink(stream, { reporter });
  sink.write(sampleEvent(7));
  await sink.flush!();
  assert.deepEqual(JSON.parse(text), sampleEvent(7));
  stream.destroy(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }));
  await new Promise((r) => setImmediate(r));
  assert.doesNotThrow(() => sink.write(sampleEvent(8)));
  await sink.close();
  assert.equal(reporter.warnings.length, 1);
  assert.match(reporter.warnings[0]!, /events stream: 1 event\(s\) not delivered \(EPIPE\)/u);
});

test('an unwritable path is an error at open naming the file', () => {
  assert.throws(() => openJsonLinesSink('/proc/version/events.jsonl'), /^BulkheadError: \/proc\/version\/events\.jsonl: cannot open the events file/u);
});
