import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mergeUsage, type UsageDelta } from './merge.js';
import { parseMaps } from './proc-maps.js';
import { listUsage, loadUsage, saveUsage } from './store.js';
import { parseUsageMap } from './usage-program.js';

const ID = `sha256:${'ab'.repeat(32)}`;
const delta = (over: Partial<UsageDelta>): UsageDelta => ({
  image: 'web:1', imageId: ID, firstSeen: '2024-01-01T00:00:00.000Z', lastSeen: '2024-01-01T00:01:00.000Z', observedSeconds: 60,
  containers: [{ id: 'c1', name: 'a', firstSeen: '2024-01-01T00:00:00.000Z', lastSeen: '2024-01-01T00:01:00.000Z' }],
  executables: { '/bin/sh': 2 }, libraries: {}, filesRead: { '/etc/passwd': 1 }, capabilities: { CAP_CHOWN: 1 },
  sources: { probe: 'bpftrace', syscalls: false, capabilities: true, fileReads: true }, ...over,
});

test('merging adds counts, unions containers and windows, and keeps the weakest sources', () => {
  const first = mergeUsage(undefined, delta({}));
  const second = mergeUsage(first, delta({
    firstSeen: '2024-01-02T00:00:00.000Z', lastSeen: '2024-01-02T00:00:30.000Z', observedSeconds: 30,
    containers: [
      { id: 'c1', name: 'a', firstSeen: '2024-01-02T00:00:00.000Z', lastSeen: '2024-01-02T00:00:30.000Z' },
      { id: 'c2', name: 'b', firstSeen: '2024-01-02T00:00:10.000Z', lastSeen: '2024-01-02T00:00:20.000Z' },
    ],
    executables: { '/bin/sh': 1, '/bin/cat': 3 }, filesRead: {}, capabilities: {}, syscalls: { read: 5 },
    sources: { probe: 'procfs', syscalls: true, capabilities: false, fileReads: false },
  }));
  assert.deepEqual(second.executables, { '/bin/cat': 3, '/bin/sh': 3 });
  assert.deepEqual(second.filesRead, { '/etc/passwd': 1 });
  assert.deepEqual(second.syscalls, { read: 5 });
  assert.equal(second.observedSeconds, 90);
  assert.equal(second.firstSeen, '2024-01-01T00:00:00.000Z');
  assert.equal(second.lastSeen, '2024-01-02T00:00:30.000Z');
  assert.deepEqual(second.containers.map((c) => [c.id, c.firstSeen, c.lastSeen]), [
    ['c1', '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:30.000Z'],
    ['c2', '2024-01-02T00:00:10.000Z', '2024-01-02T00:00:20.000Z'],
  ]);
  assert.deepEqual(second.sources, { probe: 'procfs', syscalls: false, capabilities: false, fileReads: false });
  // the first record is not changed by the merge
  assert.deepEqual(first.executables, { '/bin/sh': 2 });
});

test('the store writes one file per image id and finds records by id, prefix and name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-usage-'));
  try {
    await saveUsage(dir, mergeUsage(undefined, delta({})));
    assert.deepEqual(readdirSync(join(dir, 'usage')), [`sha256-${'ab'.repeat(32)}.json`]);
    assert.equal((await loadUsage(dir, ID))?.imageId, ID);
    assert.equal((await loadUsage(dir, 'abababababab'))?.imageId, ID);
    assert.equal((await loadUsage(dir, 'web:1'))?.imageId, ID);
    assert.equal((await loadUsage(dir, 'web'))?.imageId, ID);
    assert.equal(await loadUsage(dir, 'other:1'), undefined);
    assert.equal((await listUsage(dir)).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bpftrace map prints are read with commas kept in the last key', () => {
  const counts = parseUsageMap({ '@bh_reads': { '4026532177,/etc/a,b': 2 }, '@bh_rel_reads': { '4026532177,812,x.conf': 1 } });
  assert.deepEqual(counts?.reads, [{ mntns: 4026532177, path: '/etc/a,b', count: 2 }]);
  assert.deepEqual(counts?.relativeReads, [{ mntns: 4026532177, pid: 812, path: 'x.conf', count: 1 }]);
  assert.deepEqual(parseUsageMap({ '@bh_caps': { '7,10': 3 } })?.capabilities, [{ mntns: 7, cap: 10, count: 3 }]);
  assert.equal(parseUsageMap({ '@other': { '1': 1 } }), undefined);
});

test('maps parsing keeps shared objects and mapped files, not the program, devices or deleted files', () => {
  const text = [
    '55d0c0a00000-55d0c0a28000 r--p 00000000 00:5c 1234 /usr/bin/python3.11',
    '7f1-7f2 r-xp 00028000 00:5c 99 /lib/x86_64-linux-gnu/libc.so.6',
    '7f3-7f4 r--p 00000000 00:5c 77 /usr/lib/locale/locale-archive',
    '7f5-7f6 rw-s 00000000 00:01 5 /dev/zero (deleted)',
    '7f7-7f8 r--s 00000000 00:05 6 /dev/shm/x',
    '7f9-7fa rw-p 00000000 00:00 0 [heap]',
    '7fb-7fc r-xp 00000000 00:5c 42 /usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so',
  ].join('\n');
  assert.deepEqual(parseMaps(text, '/usr/bin/python3.11'), {
    libraries: ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so'],
    data: ['/usr/lib/locale/locale-archive'],
  });
});
