import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';
import { EventStore } from './sqlite-store.js';
import { EVENT_STORE_SCHEMA_VERSION } from './store-schema.js';
import { sampleEvent } from './test-events.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('round trip: 2000 events come back whole; filters by time, type and container; newest first', async () => {
  const path = join(dir, 'nested', 'agent.db');
  const store = new EventStore(path);
  const events = Array.from({ length: 2000 }, (_, i) => sampleEvent(i));
  for (const e of events) store.write(e);
  await store.close();

  const reader = new EventStore(path, { readonly: true });
  try {
    const all = reader.query();
    assert.equal(all.length, 2000);
    assert.deepEqual(all[0], events[1999]);
    assert.deepEqual(all.at(-1), events[0]);
    assert.deepEqual(reader.query({ limit: 3 }), [events[1999], events[1998], events[1997]]);
    const since = events[1500]!.time;
    const until = events[1600]!.time;
    assert.deepEqual(reader.query({ since, until }), events.slice(1500, 1601).reverse());
    assert.deepEqual(reader.query({ since: new Date(since), until: Date.parse(until) }).length, 101);
    assert.deepEqual(reader.query({ type: 'ptrace' }), events.filter((e) => e.type === 'ptrace').reverse());
    const c1 = events[1]!.container;
    const byId = reader.query({ container: c1.id });
    assert.deepEqual(byId, events.filter((e) => e.container.id === c1.id).reverse());
    assert.deepEqual(reader.query({ container: c1.id.slice(0, 5) }), byId, 'id prefix');
    assert.deepEqual(reader.query({ container: c1.name }), byId, 'name');
    assert.deepEqual(reader.query({ container: '/' + c1.name }), byId, 'name with the engine slash');
    assert.deepEqual(reader.query({ container: 'web-1', type: 'shell', limit: 2 }), events.filter((e) => e.container.name === 'web-1' && e.type === 'shell').reverse().slice(0, 2));
    assert.deepEqual(reader.query({ container: 'nope' }), []);
    assert.throws(() => reader.query({ since: 'yesterday' }), (e) => e instanceof BulkheadError && e.code === 'INPUT_INVALID');
  } finally {
    await reader.close();
  }
  // the file really is what the schema says, seen through SQLite itself
  const raw = new Database(path, { readonly: true });
  assert.equal(raw.pragma('user_version', { simple: true }), EVENT_STORE_SCHEMA_VERSION);
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  const indexes = (raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'").all() as { name: string }[]).map((r) => r.name).sort();
  assert.deepEqual(indexes, ['events_container_id_time', 'events_container_name_time', 'events_time', 'events_type_time']);
  raw.close();
});

test('writes are batched: nothing before the interval, everything after it; batch size flushes at once', async () => {
  const path = join(dir, 'batch.db');
  const store = new EventStore(path, { flushIntervalMs: 50, batchSize: 10 });
  const reader = new EventStore(path, { readonly: true });
  try {
    for (let i = 0; i < 3; i++) store.write(sampleEvent(i));
    assert.equal(reader.count(), 0);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(reader.count(), 3);
    for (let i = 3; i < 13; i++) store.write(sampleEvent(i));
    assert.equal(reader.count(), 13, 'the tenth pending event flushed synchronously');
  } finally {
    await store.close();
    await reader.close();
  }
});

test('prune deletes events older than the bound and keeps the rest', async () => {
  const store = new EventStore(join(dir, 'prune.db'));
  try {
    for (let i = 0; i < 100; i++) store.write(sampleEvent(i));
    assert.equal(store.prune(sampleEvent(40).time), 40);
    const left = store.query();
    assert.equal(left.length, 60);
    assert.deepEqual(left.at(-1), sampleEvent(40));
  } finally {
    await store.close();
  }
});

test('a reader in another process sees whole batches while the agent writes', async () => {
  const path = join(dir, 'concurrent.db');
  const writer = new EventStore(path, { batchSize: 50 });
  writer.write(sampleEvent(0));
  await writer.flush();
  const readerScript = join(dir, 'reader.ts');
  const storeModule = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
  writeFileSync(
    readerScript,
    `import { EventStore } from ${JSON.stringify(storeModule)};\n` +
      `const s = new EventStore(${JSON.stringify(path)}, { readonly: true });\n` +
      `const counts = [];\nconst end = Date.now() + 1500;\n` +
      `while (Date.now() < end) { counts.push(s.query().length); await new Promise((r) => setTimeout(r, 2)); }\n` +
      `await s.close();\nprocess.stdout.write(JSON.stringify(counts));\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', readerScript], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  // write for as long as the reader reads, 50 events per transaction
  const stopAt = Date.now() + 2500;
  let written = 1;
  while (Date.now() < stopAt && child.exitCode === null) {
    for (let i = 0; i < 50; i++) writer.write(sampleEvent(written++));
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(await exited, 0, err);
  await writer.close();
  const counts = JSON.parse(out) as number[];
  assert.ok(counts.length > 10, `the reader read ${counts.length} times`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!, 'never goes back');
  // every count is 1 + a multiple of 50: a reader never sees a half-written transaction
  assert.ok(counts.every((n) => (n - 1) % 50 === 0), JSON.stringify(counts.filter((n) => (n - 1) % 50 !== 0).slice(0, 5)));
  assert.ok(counts.at(-1)! > 1, 'the reader saw the writes');
});

test('a damaged file, a foreign database and a missing file are one-line errors naming the file', async () => {
  const garbage = join(dir, 'garbage.db');
  writeFileSync(garbage, Buffer.alloc(8192, 0x41));
  for (const readonly of [true, false]) {
    assert.throws(() => new EventStore(garbage, { readonly }), (e: unknown) => {
      assert.ok(e instanceof BulkheadError);
      assert.equal(e.code, 'INPUT_INVALID');
      assert.match(e.message, new RegExp(`^${garbage}: .*not a database`));
      return true;
    });
  }
  assert.equal(readFileSync(garbage).equals(Buffer.alloc(8192, 0x41)), true, 'left untouched');

  // a real store whose table pages are overwritten: SQLite reports corruption at query time
  const damaged = join(dir, 'damaged.db');
  const s = new EventStore(damaged);
  for (let i = 0; i < 500; i++) s.write(sampleEvent(i));
  await s.close();
  const db = new Database(damaged);
  db.pragma('journal_mode = DELETE');
  db.close();
  const bytes = readFileSync(damaged);
  bytes.fill(0x5a, 4096, bytes.length); // every page after the first (schema) page
  writeFileSync(damaged, bytes);
  assert.throws(
    () => new EventStore(damaged, { readonly: true }).query(),
    (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_INVALID' && e.message.startsWith(`${damaged}: the event store is damaged`),
  );

  const foreign = join(dir, 'foreign.db');
  const other = new Database(foreign);
  other.exec('CREATE TABLE t (x)');
  other.pragma('user_version = 1');
  other.close();
  assert.throws(() => new EventStore(foreign), /foreign\.db: not a Bulkhead event store/u);

  assert.throws(() => new EventStore(join(dir, 'absent.db'), { readonly: true }), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_NOT_FOUND');
});

test('a store from a newer Bulkhead is refused, not written into', () => {
  const path = join(dir, 'newer.db');
  new EventStore(path).close();
  const db = new Database(path);
  db.pragma(`user_version = ${EVENT_STORE_SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => new EventStore(path), /schema version 2 is newer/u);
});
