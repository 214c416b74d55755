import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learnObservation } from './learn.js';
import { ProfileInvalidError } from './parse-profile.js';
import { ProfileConflictError, ProfileStore } from './store.js';
import { connect, exec, write } from './testing/observations.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-profiles-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const T0 = new Date('2026-11-24T10:00:00Z');
const T1 = new Date('2026-11-25T10:00:00Z');

test('create, save and setMode write versions atomically and keep each old version in history/', withDir(async (dir) => {
  const store = new ProfileStore(dir);
  const created = await store.create('redis', 'learn', T0, '7d', 'protect');
  assert.equal(created.version, 1);
  assert.equal(created.learnUntil, '2026-12-01T10:00:00Z');
  assert.deepEqual(readdirSync(dir), ['redis.yaml']);
  const v1Text = readFileSync(join(dir, 'redis.yaml'), 'utf8');

  const learning = (await store.get('redis'))!;
  assert.deepEqual(learning, created);
  learnObservation(learning, exec('/usr/local/bin/redis-server', ''));
  learnObservation(learning, connect('10.0.0.5', 5432));
  const saved = await store.save(learning, T1);
  assert.equal(saved.version, 2);
  assert.equal(saved.updated, '2026-11-25T10:00:00Z');
  assert.equal(saved.created, created.created);
  assert.equal(learning.version, 1, 'the argument is not changed');
  assert.equal(readFileSync(join(dir, 'history', 'redis.v1.yaml'), 'utf8'), v1Text);
  assert.deepEqual(await store.get('redis'), saved);

  // a save from a stale copy would undo version 2: refused, nothing written
  await assert.rejects(store.save(learning, T1), ProfileConflictError);
  assert.equal((await store.get('redis'))!.version, 2);

  const moved = await store.setMode('redis', 'protect', T1);
  assert.equal(moved.version, 3);
  assert.equal(moved.mode, 'protect');
  assert.equal(moved.learnUntil, undefined);
  assert.deepEqual(moved.executables, ['/usr/local/bin/redis-server']);
  assert.deepEqual(readdirSync(join(dir, 'history')).sort(), ['redis.v1.yaml', 'redis.v2.yaml']);
  // no temporary files are left behind, and files are not world-readable
  assert.deepEqual(readdirSync(dir).sort(), ['history', 'redis.yaml']);
  assert.equal(statSync(join(dir, 'redis.yaml')).mode & 0o007, 0);

  await assert.rejects(store.create('redis', 'learn', T1), ProfileConflictError);
  await assert.rejects(store.setMode('nginx', 'monitor'), (e: Error & { code?: string }) => e.code === 'INPUT_NOT_FOUND' && e.message.includes('"nginx"'));
}));

test('hostile image names stay inside the folder, apart from each other, and are found by their image field', withDir(async (dir) => {
  const store = new ProfileStore(dir);
  const names = ['registry.example.com/team/app', 'registry.example.com_team_app', '../../etc/cron.d/x', '..', '.', 'a\0b', 'a/b', 'a_b', 'x'.repeat(5000), '/abs', 'sp ace\nline'];
  for (const image of names) await store.create(image, 'learn', T0);
  const files = readdirSync(dir).sort();
  assert.equal(files.length, names.length, 'one file each, no collisions');
  assert.ok(files.includes('registry.example.com_team_app.yaml'), 'a plain registry path keeps a readable name');
  for (const f of files) {
    assert.ok(f.endsWith('.yaml') && !f.startsWith('.') && !f.includes('/') && Buffer.byteLength(f) < 255, f);
    assert.ok(statSync(join(dir, f)).isFile());
  }
  for (const image of names) assert.equal((await store.get(image))?.image, image);
  assert.deepEqual((await store.list()).map((p) => p.image), [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  assert.equal(existsSync(join(dir, '..', 'etc')), false);
}));

test('a hand-edited file loads, keeps its comments and layout through a save, and may be renamed', withDir(async (dir) => {
  const text = [
    '# cache for the shop; reviewed by ops',
    'apiVersion: bulkhead.dev/v1',
    'kind: BehaviourProfile',
    'image: redis',
    'mode: monitor   # not protect until the next release',
    'version: 4',
    'created: 2026-11-24T10:00:00Z',
    'updated: 2026-11-24T12:00:00+01:00',
    'response: alert',
    'executables: [/usr/local/bin/redis-server, /bin/sh]',
    'outbound:',
    '  # the primary',
    '  - {protocol: tcp, address: 10.0.0.0/8}',
    'writes:',
    '  - /data/**  # the RDB file',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'my-cache.yaml'), text);
  const store = new ProfileStore(dir);
  const p = (await store.get('redis'))!;
  assert.equal(p.version, 4);
  assert.deepEqual(p.processes, [], 'lists left out are empty');
  assert.equal(learnObservation(p, connect('10.1.2.3', 6379)), false, 'covered by the CIDR entry');
  learnObservation(p, write('/var/log/redis/r.log'));
  const saved = await store.save(p, T1);
  const after = readFileSync(join(dir, 'my-cache.yaml'), 'utf8');
  for (const kept of ['# cache for the shop; reviewed by ops', '# not protect until the next release', '# the primary', '# the RDB file', 'executables: [/usr/local/bin/redis-server, /bin/sh]']) {
    assert.ok(after.includes(kept), `kept: ${kept}\n${after}`);
  }
  assert.match(after, /^version: 5$/mu);
  assert.ok(after.includes('/var/log/redis/**'));
  assert.deepEqual(await store.get('redis'), saved);
  assert.equal(existsSync(join(dir, 'redis.yaml')), false, 'saved under the name it was found by');
  assert.equal(readFileSync(join(dir, 'history', 'my-cache.v4.yaml'), 'utf8'), text);
}));

test('a typo in a hand-edited file is an error naming FILE:LINE', withDir(async (dir) => {
  const text = 'apiVersion: bulkhead.dev/v1\nkind: BehaviourProfile\nimage: redis\nmode: protect\nversion: 1\ncreated: 2026-11-24T10:00:00Z\nupdated: 2026-11-24T10:00:00Z\nexecutable: [/bin/sh]\nlistening:\n  - {protocol: tcp, port: 70000}\n';
  const file = join(dir, 'redis.yaml');
  writeFileSync(file, text);
  const lines = text.split('\n');
  const lineOf = (s: string): number => lines.findIndex((l) => l.includes(s)) + 1;
  await assert.rejects(new ProfileStore(dir).get('redis'), (e: unknown) => {
    assert.ok(e instanceof ProfileInvalidError);
    assert.equal(e.code, 'INPUT_INVALID');
    assert.equal(e.problems.length, 2);
    assert.ok(e.problems[0]!.startsWith(`${file}:${lineOf('executable:')}:1: executable: unknown key`), e.problems[0]);
    assert.ok(e.problems[1]!.startsWith(`${file}:${lineOf('70000')}:`), e.problems[1]);
    assert.ok(e.problems[1]!.includes('listening[0].port'), e.problems[1]);
    return true;
  });
  writeFileSync(file, 'image: redis\nimage: other\n');
  await assert.rejects(new ProfileStore(dir).list(), (e: Error) => e.message.startsWith(`${file}:2:`));
}));

test('a symbolic link in the folder is not followed', withDir(async (dir) => {
  const outside = mkdtempSync(join(tmpdir(), 'bulkhead-profiles-outside-'));
  try {
    const store = new ProfileStore(outside);
    await store.create('redis', 'learn', T0);
    symlinkSync(join(outside, 'redis.yaml'), join(dir, 'redis.yaml'));
    assert.equal(await new ProfileStore(dir).get('redis'), undefined);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
}));
