/**
 * The fixture cache the integration tests rely on: a build that fails or is interrupted leaves
 * nothing that a later run would take for a finished fixture, and concurrent callers build once.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cachedFixture } from '../harness/fixture-cache.js';

let root: string;
let saved: string | undefined;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'bulkhead-fixture-cache-'));
  saved = process.env.BULKHEAD_FIXTURES;
  process.env.BULKHEAD_FIXTURES = root;
});

after(() => {
  if (saved === undefined) delete process.env.BULKHEAD_FIXTURES;
  else process.env.BULKHEAD_FIXTURES = saved;
  rmSync(root, { recursive: true, force: true });
});

test('a failed build leaves no fixture and is retried', async () => {
  await assert.rejects(
    cachedFixture('broken', async (dir) => {
      writeFileSync(join(dir, 'half.tar'), 'partial');
      throw new Error('build interrupted');
    }),
    /build interrupted/,
  );
  assert.equal(existsSync(join(root, 'broken')), false, 'no final folder');
  assert.equal(existsSync(join(root, 'broken.lock')), false, 'lock released');
  const dir = await cachedFixture('broken', async (d) => writeFileSync(join(d, 'ok'), 'done'));
  assert.equal(readFileSync(join(dir, 'ok'), 'utf8'), 'done');
});

test('a folder without the completion marker (a killed build) is rebuilt', async () => {
  mkdirSync(join(root, 'killed'));
  writeFileSync(join(root, 'killed', 'fixture.tar'), 'truncated');
  let builds = 0;
  const dir = await cachedFixture('killed', async (d) => {
    builds++;
    writeFileSync(join(d, 'fixture.tar'), 'whole');
  });
  assert.equal(builds, 1);
  assert.equal(readFileSync(join(dir, 'fixture.tar'), 'utf8'), 'whole');
  await cachedFixture('killed', async () => {
    builds++;
  });
  assert.equal(builds, 1, 'a complete fixture is reused');
});

test('a lock left by a dead process is taken over', async () => {
  mkdirSync(join(root, 'stale.lock'));
  // PID 2^22 + 1 is above Linux's pid_max limit, so no live process has it.
  writeFileSync(join(root, 'stale.lock', 'pid'), String(4194305));
  const dir = await cachedFixture('stale', async (d) => writeFileSync(join(d, 'x'), '1'));
  assert.ok(existsSync(join(dir, 'x')));
});

test('concurrent callers build once', async () => {
  let builds = 0;
  const build = async (d: string): Promise<void> => {
    builds++;
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(d, 'x'), '1');
  };
  const [a, b] = await Promise.all([cachedFixture('shared', build), cachedFixture('shared', build)]);
  assert.equal(a, b);
  assert.equal(builds, 1);
});
