import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, mkdirSync, writeFileSync, symlinkSync, linkSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarEntries } from './layer-tar.js';
import { BulkheadError } from '../errors.js';

function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-tar-'));
  const rootfs = join(root, 'rootfs');
  mkdirSync(join(rootfs, 'usr/bin'), { recursive: true });
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  writeFileSync(join(rootfs, 'usr/bin/tool'), readFileSync('/bin/true'), { mode: 0o755 });
  linkSync(join(rootfs, 'usr/bin/tool'), join(rootfs, 'usr/bin/tool-hardlink'));
  symlinkSync('../usr/bin/tool', join(rootfs, 'etc/tool-link'));
  const deep = join(rootfs, 'opt', 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'long-name-file-' + 'x'.repeat(80) + '.txt'), 'deep');
  return root;
}

async function collect(file: string) {
  const out: { path: string; type: string; size: number; linkTarget?: string; content?: string }[] = [];
  for await (const e of tarEntries(createReadStream(file), file)) {
    const item: (typeof out)[number] = { path: e.path, type: e.type, size: e.size };
    if (e.linkTarget !== undefined) item.linkTarget = e.linkTarget;
    if (e.path === 'etc/os-release') item.content = (await e.read(1024))?.toString();
    out.push(item);
  }
  return out;
}

/** GNU tar's own listing is the reference for which entries a layer holds. */
function tarListing(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((p) => p !== '' && p !== '.')
    .sort();
}

for (const format of ['gnu', 'pax', 'ustar'] as const) {
  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    test(`entries of a ${format} tar, ${compression}, match GNU tar's listing`, async () => {
      const root = makeTree();
      try {
        const tarFile = join(root, 'layer.tar');
        const args = ['-C', join(root, 'rootfs'), `--format=${format}`, '-cf', tarFile, '.'];
        if (format === 'ustar') {
          // ustar cannot hold the 240-character path; GNU tar refuses, so leave that directory out
          args.splice(args.length - 1, 1, 'etc', 'usr');
        }
        execFileSync('tar', args);
        let file = tarFile;
        if (compression === 'gzip') execFileSync('gzip', ['-k', tarFile]), (file = tarFile + '.gz');
        if (compression === 'zstd') execFileSync('zstd', ['-q', '-k', tarFile]), (file = tarFile + '.zst');
        const entries = await collect(file);
        assert.deepEqual(entries.map((e) => e.path).sort(), tarListing(tarFile));
        assert.equal(entries.find((e) => e.path === 'etc/os-release')?.content, 'ID=debian\nVERSION_ID="12"\n');
        assert.equal(entries.find((e) => e.path === 'etc/tool-link')?.type, 'symlink');
        assert.equal(entries.find((e) => e.path === 'etc/tool-link')?.linkTarget, '../usr/bin/tool');
        const links = entries.filter((e) => e.path.startsWith('usr/bin/tool'));
        assert.deepEqual(links.map((e) => e.type).sort(), ['file', 'hardlink']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
}

function pythonTar(file: string, script: string) {
  execFileSync('python3', ['-c', `import tarfile, io\nt = tarfile.open(${JSON.stringify(file)}, 'w')\n${script}\nt.close()`]);
}

async function expectCode(file: string, code: string, fragment: RegExp) {
  await assert.rejects(collect(file), (e: unknown) => {
    assert.ok(e instanceof BulkheadError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, fragment);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('hostile entry names are refused: parent directory and absolute paths', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-tar-'));
  try {
    const evil = join(root, 'evil.tar');
    pythonTar(evil, `d = b'x'\ni = tarfile.TarInfo('../../etc/cron.d/evil'); i.size = 1\nt.addfile(i, io.BytesIO(d))`);
    await expectCode(evil, 'UNSAFE_PATH', /climbs out of the root/);
    const abs = join(root, 'abs.tar');
    pythonTar(abs, `d = b'x'\ni = tarfile.TarInfo('/etc/passwd'); i.size = 1\nt.addfile(i, io.BytesIO(d))`);
    await expectCode(abs, 'UNSAFE_PATH', /absolute path/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('truncated tar and corrupt gzip give LAYER_CORRUPT with the input named', async () => {
  const root = makeTree();
  try {
    const tarFile = join(root, 'layer.tar');
    execFileSync('tar', ['-C', join(root, 'rootfs'), '-cf', tarFile, '.']);
    const full = readFileSync(tarFile);
    const truncated = join(root, 'truncated.tar');
    writeFileSync(truncated, full.subarray(0, 512 * 3 + 100));
    await expectCode(truncated, 'LAYER_CORRUPT', /truncated\.tar/);

    execFileSync('gzip', ['-k', tarFile]);
    const gz = readFileSync(tarFile + '.gz');
    const mid = Math.floor(gz.length / 2);
    gz[mid] = gz[mid]! ^ 0xff;
    const corrupt = join(root, 'corrupt.tar.gz');
    writeFileSync(corrupt, gz);
    await expectCode(corrupt, 'LAYER_CORRUPT', /corrupt\.tar\.gz/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a huge sparse file is listed with its size but never buffered', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-tar-'));
  try {
    const rootfs = join(root, 'rootfs');
    mkdirSync(rootfs);
    execFileSync('truncate', ['-s', '64G', join(rootfs, 'sparse.img')]);
    const tarFile = join(root, 'sparse.tar');
    execFileSync('tar', ['-C', rootfs, '--sparse', '--format=pax', '-cf', tarFile, '.']);
    let seen = false;
    for await (const e of tarEntries(createReadStream(tarFile), tarFile)) {
      if (e.path === 'sparse.img') {
        seen = true;
        assert.equal(e.size, 64 * 1024 ** 3);
        assert.equal(e.sparse, true);
        assert.equal(await e.read(1024 * 1024), undefined);
      }
    }
    assert.ok(seen);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
