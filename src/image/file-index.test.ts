import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileIndex } from './file-index.js';
import type { FileRecord, LayerAnalysis } from './walk.js';

const file = (path: string, extra: Partial<FileRecord> = {}): FileRecord => ({ path, type: 'file', mode: 0o644, size: 1, uid: 0, gid: 0, ...extra });
const dir = (path: string): FileRecord => file(path, { type: 'dir', mode: 0o755, size: 0 });
const layer = (layerIndex: number, files: FileRecord[], whiteouts: string[] = [], opaqueDirs: string[] = []): LayerAnalysis => ({
  layerIndex, files, whiteouts, opaqueDirs, results: [], warnings: [], bytes: 0,
});

// OCI image spec, layer.md "Whiteouts" and "Opaque Whiteout": the examples there, applied in order.
test('whiteouts remove a path and everything below it from lower layers only', () => {
  const index = FileIndex.build([
    layer(0, [dir('a'), dir('a/b'), file('a/b/c/bar'), file('a/b/c/foo'), file('a/keep'), file('etc/secret')]),
    layer(1, [dir('a')], ['a/b', 'etc/secret']),
  ]);
  assert.deepEqual([...index.all()].map((f) => f.path).sort(), ['a', 'a/keep']);
  assert.deepEqual(index.hidden.map((f) => f.path).sort(), ['a/b/c/bar', 'a/b/c/foo', 'etc/secret']);
});

test('an opaque directory hides lower-layer children but keeps its own layer', () => {
  const index = FileIndex.build([
    layer(0, [dir('a'), file('a/old'), file('b')]),
    layer(1, [dir('a'), file('a/new')], [], ['a']),
  ]);
  assert.deepEqual([...index.all()].map((f) => f.path).sort(), ['a', 'a/new', 'b']);
  assert.equal(index.get('a/new')?.layerIndex, 1);
});

test('a file replaced in a later layer is visible from that layer; results from the old one are not', () => {
  const index = FileIndex.build([layer(0, [file('app/package.json')]), layer(1, [file('app/package.json')])]);
  assert.equal(index.isVisible({ path: 'app/package.json', layerIndex: 1 }), true);
  assert.equal(index.isVisible({ path: 'app/package.json', layerIndex: 0 }), false);
  assert.equal(index.hidden.length, 1);
});

test('a file replacing a directory hides its children', () => {
  const index = FileIndex.build([layer(0, [dir('x'), file('x/y')]), layer(1, [file('x')])]);
  assert.deepEqual([...index.all()].map((f) => f.path), ['x']);
});

test('symlinks resolve like a chroot: absolute targets from the image root, .. clamped at the root', () => {
  const index = FileIndex.build([
    layer(0, [
      file('usr/lib/x86_64-linux-gnu/libc.so.6'),
      file('lib', { type: 'symlink', linkTarget: 'usr/lib' }),
      file('etc/alternatives/java', { type: 'symlink', linkTarget: '/usr/lib/jvm/bin/java' }),
      file('usr/lib/jvm/bin/java'),
      file('escape', { type: 'symlink', linkTarget: '../../../../usr/lib' }),
      file('loop1', { type: 'symlink', linkTarget: 'loop2' }),
      file('loop2', { type: 'symlink', linkTarget: 'loop1' }),
    ]),
  ]);
  assert.equal(index.resolve('/lib/x86_64-linux-gnu/libc.so.6'), 'usr/lib/x86_64-linux-gnu/libc.so.6');
  assert.equal(index.resolve('etc/alternatives/java'), 'usr/lib/jvm/bin/java');
  assert.equal(index.resolve('escape/x86_64-linux-gnu/libc.so.6'), 'usr/lib/x86_64-linux-gnu/libc.so.6');
  assert.equal(index.resolve('loop1'), undefined);
  assert.equal(index.resolve('missing/file'), undefined);
});
