import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { TarIndex } from './tar-index.js';
import { rejectsWith, run, scratch } from './archive-fixture.test.js';

let work: { dir: string; cleanup: () => void };
let tree: string;
const longDir = 'd'.repeat(90) + '/' + 'e'.repeat(90);
const longName = `${longDir}/${'f'.repeat(120)}.txt`;

before(() => {
  work = scratch();
  tree = join(work.dir, 'tree');
  mkdirSync(join(tree, longDir), { recursive: true });
  mkdirSync(join(tree, 'real'));
  writeFileSync(join(tree, longName), 'deep file\n');
  writeFileSync(join(tree, 'real/data.txt'), 'the data\n');
  writeFileSync(join(tree, 'empty.txt'), '');
  writeFileSync(join(tree, 'ünïcödé.txt'), 'utf-8 name\n');
  symlinkSync('real/data.txt', join(tree, 'link-to-data'));
  symlinkSync('real', join(tree, 'dirlink'));
  symlinkSync('../../outside', join(tree, 'escape'));
});
after(() => work.cleanup());

/** GNU tar's listing, normalised as member names are. */
function reference(tarPath: string): string[] {
  return run('tar', ['-tf', tarPath])
    .split('\n')
    .map((l) => l.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((l) => l !== '' && l !== '.');
}

// GNU tar writes long names as `L` members in gnu format, pax `path` records in posix format, and the
// ustar prefix field in ustar format (which only holds names up to 255 bytes split at a slash).
for (const format of ['gnu', 'posix', 'ustar', 'oldgnu']) {
  test(`member names and data match GNU tar (--format=${format})`, async () => {
    const out = join(work.dir, `${format}.tar`);
    const args = ['-C', tree, `--format=${format}`, '-cf', out];
    if (format === 'ustar') args.push('--exclude', 'f*.txt'); // the long file name does not fit ustar
    run('tar', [...args, '.']);
    const index = await TarIndex.open(out);
    assert.deepEqual([...index.members.keys()], reference(out));
    assert.equal(await text(index.stream(index.file('real/data.txt'))), 'the data\n');
    assert.equal(await text(index.stream(index.file('ünïcödé.txt'))), 'utf-8 name\n');
    assert.equal((await index.read(index.file('empty.txt'), 'empty')).length, 0);
    if (format !== 'ustar') assert.equal((await index.read(index.file(longName), 'long')).toString(), 'deep file\n');
    // Links are followed, in the last component and in the middle.
    assert.equal((await index.read(index.file('link-to-data'), 'link')).toString(), 'the data\n');
    assert.equal((await index.read(index.file('dirlink/data.txt'), 'dirlink')).toString(), 'the data\n');
    assert.throws(() => index.resolve('escape'), rejectsWith('UNSAFE_PATH', /links out of the archive/));
  });
}

test('missing files, directories and truncated data have distinct codes', async () => {
  await assert.rejects(TarIndex.open(join(work.dir, 'absent.tar')), rejectsWith('INPUT_NOT_FOUND'));
  await assert.rejects(TarIndex.open(work.dir), rejectsWith('INPUT_INVALID', /directory/));
  const out = join(work.dir, 'gnu.tar');
  const whole = readFileSync(out);
  const cut = join(work.dir, 'cut.tar');
  writeFileSync(cut, whole.subarray(0, 1024 + 300));
  await assert.rejects(TarIndex.open(cut), rejectsWith('ARCHIVE_CORRUPT', /truncated at byte/));
  const empty = join(work.dir, 'empty.tar');
  writeFileSync(empty, '');
  await assert.rejects(TarIndex.open(empty), rejectsWith('ARCHIVE_CORRUPT', /empty/));
});
