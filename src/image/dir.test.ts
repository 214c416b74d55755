import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDirectory, skippedDirectories } from './dir.js';
import { makeRootfs, rejectsWith, run, scratch } from './archive-fixture.test.js';
import type { LayerEntry } from './types.js';

let work: { dir: string; cleanup: () => void };
let rootfs: string;

before(() => {
  work = scratch();
  rootfs = makeRootfs(work.dir);
  symlinkSync('/etc/shadow', join(rootfs, 'etc/abs-link'));
  symlinkSync('../../../../../../etc', join(rootfs, 'climbing-link'));
  mkdirSync(join(rootfs, 'usr/share/doc'), { recursive: true });
  writeFileSync(join(rootfs, 'usr/share/doc/a b.txt'), 'spaces\n');
  execFileSync('mkfifo', [join(rootfs, 'fifo')]);
});
after(() => work.cleanup());

async function collect(root: string, stopAfter?: (e: LayerEntry) => boolean): Promise<LayerEntry[]> {
  const source = await openDirectory(root, {});
  const out: LayerEntry[] = [];
  for await (const e of source.entries(source.layers[0]!)) {
    out.push(e);
    if (stopAfter?.(e)) break;
  }
  return out;
}

test('a directory walk lists what tar --sort=name lists, in the same order', async () => {
  const source = await openDirectory(rootfs, {});
  assert.equal(source.transport, 'dir');
  assert.equal(source.cacheable, false);
  assert.deepEqual(source.config.rootfs?.diff_ids, []);
  const entries = await collect(rootfs);
  const listed = run('sh', ['-c', `tar --sort=name -C '${rootfs}' -cf - . | tar -tf -`])
    .split('\n')
    .map((l) => l.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((l) => l !== '' && l !== '.');
  assert.deepEqual(entries.map((e) => e.path), listed);
});

test('symlinks are reported with their targets, never followed; files are read lazily and capped', async () => {
  const entries = new Map((await collect(rootfs)).map((e) => [e.path, e]));
  for (const link of ['bin/yes-link', 'etc/abs-link', 'climbing-link']) {
    const e = entries.get(link)!;
    assert.equal(e.type, 'symlink');
    assert.equal(e.linkTarget, readlinkSync(join(rootfs, link)));
    assert.equal(await e.read(1 << 20), undefined);
  }
  assert.ok(![...entries.keys()].some((p) => p.startsWith('climbing-link/')), 'a symlinked directory is not entered');
  assert.equal(entries.get('fifo')!.type, 'other');
  assert.equal(entries.get('var/empty')!.type, 'dir');
});

test('file contents come from the files, within the cap', async () => {
  const source = await openDirectory(rootfs, {});
  for await (const e of source.entries(source.layers[0]!)) {
    if (e.path === 'etc/hello.txt') assert.deepEqual(await e.read(1 << 20), readFileSync(join(rootfs, 'etc/hello.txt')));
    if (e.path === 'bin/true') {
      assert.equal(e.size, readFileSync('/bin/true').length);
      assert.equal(await e.read(16), undefined, 'over the cap: nothing buffered');
    }
    if (e.path === 'usr/share/doc/a b.txt') assert.equal((await e.read(100))?.toString(), 'spaces\n');
  }
});

test('pseudo filesystems mounted inside the tree are not entered', async () => {
  const mnt = join(rootfs, 'proc-like');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', mnt]);
  try {
    writeFileSync(join(mnt, 'inside.txt'), 'on tmpfs');
    const paths = (await collect(rootfs)).map((e) => e.path);
    assert.ok(paths.includes('proc-like'));
    assert.ok(!paths.includes('proc-like/inside.txt'));
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('dir:/ lists but does not enter /proc, /sys, /dev, /run, /tmp and pseudo-filesystem mounts', async () => {
  const skipped = await skippedDirectories('/');
  for (const d of ['/proc', '/sys', '/dev', '/run', '/tmp']) assert.ok(skipped.has(d), d);
  // The reference for mounts: findmnt(8) from util-linux.
  const pseudo = run('findmnt', ['-rn', '-o', 'TARGET', '-t', 'proc,sysfs,devpts,cgroup2,mqueue']).split('\n').filter((l) => l !== '' && l !== '/');
  assert.ok(pseudo.length > 0);
  for (const m of pseudo) assert.ok(skipped.has(m.replace(/\\x20/g, ' ')), `${m} is skipped`);
  // A real walk of the host root, stopped once past /dev (the sorted order reaches it early).
  const seen: string[] = [];
  const source = await openDirectory('/', {});
  for await (const e of source.entries(source.layers[0]!)) {
    if (e.path.split('/')[0]! > 'dev') break;
    seen.push(e.path);
  }
  assert.ok(seen.includes('dev'));
  assert.ok(!seen.some((p) => p.startsWith('dev/')));
});

test('missing paths and files are refused with codes', async () => {
  await assert.rejects(openDirectory(join(work.dir, 'absent'), {}), rejectsWith('INPUT_NOT_FOUND', /absent/));
  await assert.rejects(openDirectory(join(rootfs, 'etc/hello.txt'), {}), rejectsWith('INPUT_INVALID', /not a directory/));
});
