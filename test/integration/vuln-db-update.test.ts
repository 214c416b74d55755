/**
 * `updateVulnDb` against a local OSV mirror built from the real records in shared/data/osv: full and
 * incremental updates over HTTP and file://, changed / removed / withdrawn / invalid records, and every
 * way a download can go wrong leaving the previous database in use.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { BulkheadError } from '../../src/errors.js';
import { openVulnDb, updateVulnDb, type UpdateResult } from '../../src/vuln/db/index.js';
import { buildOsvExports, copyOsvData, dataEcosystems, expectedExport, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';

let work: string;
let data: string;
let mirrorRoot: string;
let mirror: OsvMirror;
let ecosystems: string[];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-vulndb-'));
  data = copyOsvData(osvDataDir(), join(work, 'data'));
  ecosystems = dataEcosystems(data);
  mirrorRoot = await buildOsvExports(data, join(work, 'mirror'));
  mirror = await serveOsvMirror(mirrorRoot);
});

after(async () => {
  await mirror.close();
  rmSync(work, { recursive: true, force: true });
});

const quick = { idleTimeoutMs: 3000 };

async function rejectsWith(promise: Promise<unknown>, code: string, mention: string): Promise<BulkheadError> {
  let caught: unknown;
  await promise.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof BulkheadError, `expected a BulkheadError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.includes(mention), `message names ${mention}: ${caught.message}`);
  assert.equal(caught.message.includes('\n'), false, 'one-line message');
  return caught;
}

/** Every id the data says must be stored is stored, withdrawn ones are not, counts match per ecosystem. */
function assertMatchesData(dbPath: string, result: UpdateResult | undefined, dataDir: string): void {
  const db = openVulnDb(dbPath);
  try {
    const all = new Set<string>();
    for (const ecosystem of dataEcosystems(dataDir)) {
      const expected = expectedExport(dataDir, ecosystem);
      for (const id of expected.stored) {
        all.add(id);
        assert.equal(db.record(id)?.id, id, `${ecosystem}: ${id} stored`);
      }
      for (const id of expected.withdrawn) assert.equal(db.record(id), undefined, `${ecosystem}: withdrawn ${id} not stored`);
      const source = db.status().sources.find((s) => s.ecosystem === ecosystem);
      assert.equal(source?.records, expected.stored.size, `${ecosystem}: records in status`);
      const outcome = result?.ecosystems.find((e) => e.ecosystem === ecosystem);
      if (outcome?.counts) assert.equal(outcome.counts.withdrawn, expected.withdrawn.size, `${ecosystem}: withdrawn count`);
    }
    assert.equal(db.status().records, all.size, 'total records');
  } finally {
    db.close();
  }
}

function assertWorking(dbPath: string, snapshot: string): void {
  const db = openVulnDb(dbPath);
  try {
    assert.equal(JSON.stringify({ ...db.status(), path: '' }), snapshot, 'previous database unchanged');
    const lodash = db.affectedFor('npm', 'lodash');
    assert.ok(lodash.length > 0, 'queries still answer');
  } finally {
    db.close();
  }
  const leftovers = readdirSync(join(dbPath, '..')).filter((n) => n !== 'vuln.db');
  assert.deepEqual(leftovers, [], 'no work or lock file left behind');
}

let touches = 0;
/** Same records, new zip bytes (a member's time stamp changes), so the mirror answers with a new ETag. */
async function rezipWithNewBytes(ecosystem: string): Promise<void> {
  const file = join(data, ecosystem, readdirSync(join(data, ecosystem)).sort()[0]!);
  const when = new Date(Date.UTC(2020, 0, 1) + ++touches * 60_000);
  utimesSync(file, when, when);
  await buildOsvExports(data, mirrorRoot, [ecosystem]);
}

const statusSnapshot = (path: string) => {
  const db = openVulnDb(path);
  try {
    return JSON.stringify({ ...db.status(), path: '' });
  } finally {
    db.close();
  }
};

const rowids = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return new Map((db.prepare('SELECT id, rowid AS r FROM records').all() as { id: string; r: number }[]).map((x) => [x.id, x.r]));
  } finally {
    db.close();
  }
};

describe('update over HTTP', () => {
  let dbPath: string;
  before(() => {
    dbPath = join(work, 'http', 'vuln.db');
  });

  test('a first update stores every record of every ecosystem on the mirror', async () => {
    const result = await updateVulnDb({ dbPath, source: mirror.url, ...quick });
    assert.equal(result.changed, true);
    for (const e of ecosystems) assert.equal(result.ecosystems.find((o) => o.ecosystem === e)?.state, 'updated', e);
    // Ecosystems of the default list that this mirror lacks are warnings, not failures.
    const missing = result.ecosystems.filter((o) => o.state === 'not-found').map((o) => o.ecosystem);
    assert.ok(missing.length > 0 && missing.every((m) => result.warnings.some((w) => w.includes(encodeURIComponent(m)))));
    assertMatchesData(dbPath, result, data);
    const db = openVulnDb(dbPath);
    // The record's aliases answer in both directions.
    const lodash = expectedExport(data, 'npm');
    const id = [...lodash.stored][0]!;
    const record = db.record(id)!;
    for (const alias of record.aliases ?? []) {
      assert.ok(db.aliasesOf(id).includes(alias));
      assert.ok(db.aliasesOf(alias).includes(id));
    }
    // Each affected package is found by its name, normalised.
    for (const affected of record.affected ?? []) {
      assert.ok(db.affectedFor(affected.package!.ecosystem.split(':')[0]!, affected.package!.name).some((a) => a.vulnId === id));
    }
    db.close();
  });

  test('a second update gets 304s and does not write the file', async () => {
    const before = statSync(dbPath).mtimeMs;
    const ids = rowids(dbPath);
    const seen = mirror.requests.length;
    const result = await updateVulnDb({ dbPath, source: mirror.url, ...quick });
    assert.equal(result.changed, false);
    for (const e of ecosystems) assert.equal(result.ecosystems.find((o) => o.ecosystem === e)?.state, 'not-modified', e);
    const zips = mirror.requests.slice(seen).filter((r) => ecosystems.some((e) => r.path === `/${e}/all.zip`));
    assert.deepEqual(zips.map((r) => r.status), ecosystems.map(() => 304));
    assert.equal(statSync(dbPath).mtimeMs, before, 'database file not rewritten');
    assert.deepEqual(rowids(dbPath), ids);
  });

  test('a changed, a removed and a withdrawn record: only those rows change', async () => {
    const goFiles = readdirSync(join(data, 'Go')).sort();
    const changedFile = join(data, 'Go', goFiles[0]!);
    const withdrawnFile = join(data, 'Go', goFiles[1]!);
    const removedFile = join(data, 'crates.io', readdirSync(join(data, 'crates.io')).sort()[0]!);
    const changed = JSON.parse(readFileSync(changedFile, 'utf8'));
    const newer = new Date(Date.parse(changed.modified) + 86_400_000).toISOString();
    changed.modified = newer;
    changed.summary = 'changed by the test';
    writeFileSync(changedFile, JSON.stringify(changed, null, 2));
    const withdrawn = JSON.parse(readFileSync(withdrawnFile, 'utf8'));
    withdrawn.withdrawn = withdrawn.modified = newer;
    writeFileSync(withdrawnFile, JSON.stringify(withdrawn, null, 2));
    const removedId = JSON.parse(readFileSync(removedFile, 'utf8')).id as string;
    rmSync(removedFile);
    await buildOsvExports(data, mirrorRoot, ['Go', 'crates.io']);

    const ids = rowids(dbPath);
    const result = await updateVulnDb({ dbPath, source: mirror.url, ...quick });
    const go = result.ecosystems.find((e) => e.ecosystem === 'Go')!;
    assert.equal(go.state, 'updated');
    assert.equal(go.counts?.updated, 1);
    assert.equal(go.counts?.added, 0);
    assert.equal(go.counts?.removed, 1, 'the withdrawn record is removed');
    assert.equal(result.ecosystems.find((e) => e.ecosystem === 'crates.io')?.counts?.removed, 1);
    assert.equal(result.ecosystems.find((e) => e.ecosystem === 'npm')?.state, 'not-modified');
    assertMatchesData(dbPath, result, data);
    const after = rowids(dbPath);
    const db = openVulnDb(dbPath);
    assert.equal(db.record(changed.id)?.summary, 'changed by the test');
    assert.equal(db.record(changed.id)?.modified, newer);
    assert.equal(db.record(withdrawn.id), undefined);
    assert.equal(db.record(removedId), undefined);
    assert.equal(db.affectedFor('Go', withdrawn.affected[0].package.name).some((a) => a.vulnId === withdrawn.id), false);
    db.close();
    // Every other record keeps its row: unchanged `modified` means not rewritten.
    for (const [id, rowid] of after) if (id !== changed.id) assert.equal(rowid, ids.get(id), `${id} not rewritten`);
  });

  test('invalid records are reported by file name and id, and not stored', async () => {
    writeFileSync(join(data, 'npm', 'BROKEN-0001.json'), '{"id": "BROKEN-0001", "modified": ');
    writeFileSync(
      join(data, 'npm', 'BAD-SHAPE-0002.json'),
      JSON.stringify({ id: 'BAD-SHAPE-0002', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: 'introduced 0' }] }] }),
    );
    await buildOsvExports(data, mirrorRoot, ['npm']);
    const result = await updateVulnDb({ dbPath, source: mirror.url, ...quick });
    const npm = result.ecosystems.find((e) => e.ecosystem === 'npm')!;
    assert.equal(npm.counts?.invalid, 2);
    assert.ok(result.warnings.some((w) => w.includes('BROKEN-0001.json') && w.includes('not valid JSON')), result.warnings.join('\n'));
    assert.ok(result.warnings.some((w) => w.includes('BAD-SHAPE-0002.json (BAD-SHAPE-0002)') && w.includes('events')), result.warnings.join('\n'));
    const db = openVulnDb(dbPath);
    assert.equal(db.record('BAD-SHAPE-0002'), undefined);
    assert.equal(db.status().sources.find((s) => s.ecosystem === 'npm')?.records, expectedExport(data, 'npm').stored.size - 1);
    db.close();
    rmSync(join(data, 'npm', 'BROKEN-0001.json'));
    rmSync(join(data, 'npm', 'BAD-SHAPE-0002.json'));
    await buildOsvExports(data, mirrorRoot, ['npm']);
    await updateVulnDb({ dbPath, source: mirror.url, ...quick });
    assertMatchesData(dbPath, undefined, data);
  });

  test('a corrupt zip fails with VULN_SOURCE_CORRUPT and keeps the previous database', async () => {
    const snapshot = statusSnapshot(dbPath);
    const zip = join(mirrorRoot, 'Go', 'all.zip');
    const original = readFileSync(zip);
    const damaged = Buffer.from(original);
    for (let i = 0; i < 64; i++) damaged[Math.floor(original.length / 3) + i]! ^= 0x5a;
    writeFileSync(zip, damaged);
    try {
      await rejectsWith(updateVulnDb({ dbPath, source: mirror.url, ...quick }), 'VULN_SOURCE_CORRUPT', '/Go/all.zip');
      assertWorking(dbPath, snapshot);
    } finally {
      writeFileSync(zip, original);
    }
  });

  test('a body cut short fails with NETWORK_ERROR and keeps the previous database', async () => {
    const snapshot = statusSnapshot(dbPath);
    await rezipWithNewBytes('Go'); // new ETag: the zip is downloaded again
    mirror.cut('/Go/all.zip', 'truncate');
    try {
      await rejectsWith(updateVulnDb({ dbPath, source: mirror.url, ...quick }), 'NETWORK_ERROR', '/Go/all.zip');
    } finally {
      mirror.cut(undefined);
    }
    assertWorking(dbPath, snapshot);
  });

  test('x-goog-hash MD5 is checked', async () => {
    const snapshot = statusSnapshot(dbPath);
    await rezipWithNewBytes('Go');
    mirror.googHash = 'wrong-md5';
    try {
      await rejectsWith(updateVulnDb({ dbPath, source: mirror.url, ...quick }), 'VULN_SOURCE_CORRUPT', 'x-goog-hash');
      assertWorking(dbPath, snapshot);
      mirror.googHash = 'md5';
      const result = await updateVulnDb({ dbPath, source: mirror.url, ...quick });
      // Same records, new bytes: applied, nothing changes.
      assert.equal(result.ecosystems.find((e) => e.ecosystem === 'Go')?.counts?.unchanged, expectedExport(data, 'Go').stored.size);
    } finally {
      mirror.googHash = 'none';
    }
  });

  test('a server that dies mid-download fails with NETWORK_ERROR and keeps the previous database', async () => {
    const snapshot = statusSnapshot(dbPath);
    await rezipWithNewBytes('Go');
    mirror.cut('/Go/all.zip', 'stall');
    const reached = mirror.cutReached();
    const update = updateVulnDb({ dbPath, source: mirror.url, ...quick });
    await reached;
    await mirror.close();
    await rejectsWith(update, 'NETWORK_ERROR', '/Go/all.zip');
    assertWorking(dbPath, snapshot);
    mirror = await serveOsvMirror(mirrorRoot);
  });

  test('a database being updated by a live process is refused; a stale lock is taken over', async () => {
    writeFileSync(`${dbPath}.lock`, `${process.ppid}\n`);
    await rejectsWith(updateVulnDb({ dbPath, source: mirror.url, ...quick }), 'VULN_DB_LOCKED', dbPath);
    writeFileSync(`${dbPath}.lock`, '2147483646\n'); // no such process
    writeFileSync(join(dbPath, '..', '.vuln.db.deadbeef.tmp'), 'left by a killed update');
    await updateVulnDb({ dbPath, source: mirror.url, ...quick });
    assertWorking(dbPath, statusSnapshot(dbPath));
  });
});

describe('update from file://', () => {
  test('stores the same records, then sees nothing modified', async () => {
    const dbPath = join(work, 'file', 'vuln.db');
    const result = await updateVulnDb({ dbPath, source: mirror.fileUrl, ecosystems, ...quick });
    assert.deepEqual(result.warnings, []);
    assertMatchesData(dbPath, result, data);
    const again = await updateVulnDb({ dbPath, source: mirrorRoot, ecosystems, ...quick });
    assert.deepEqual(again.ecosystems.map((e) => e.state), ecosystems.map(() => 'not-modified'));
  });

  test('a sibling all.zip.sha256 is checked', async () => {
    const root = join(work, 'sha-mirror');
    await buildOsvExports(data, root, ['npm']);
    writeFileSync(join(root, 'npm', 'all.zip.sha256'), `${'0'.repeat(64)}  all.zip\n`);
    const dbPath = join(work, 'sha', 'vuln.db');
    await rejectsWith(updateVulnDb({ dbPath, source: root, ecosystems: ['npm'], ...quick }), 'VULN_SOURCE_CORRUPT', 'all.zip.sha256');
    assert.equal(existsSync(dbPath), false, 'no database made from an unverified download');
    const { createHash } = await import('node:crypto');
    writeFileSync(join(root, 'npm', 'all.zip.sha256'), `${createHash('sha256').update(readFileSync(join(root, 'npm', 'all.zip'))).digest('hex')}  all.zip\n`);
    await updateVulnDb({ dbPath, source: root, ecosystems: ['npm'], ...quick });
    assert.equal(statusSnapshot(dbPath).includes('"records":' + expectedExport(data, 'npm').stored.size), true);
  });

  test('a source with none of the ecosystems is an error', async () => {
    const empty = join(work, 'empty-source');
    mkdirSync(empty, { recursive: true });
    await rejectsWith(updateVulnDb({ dbPath: join(work, 'empty', 'vuln.db'), source: empty, ...quick }), 'VULN_SOURCE_EMPTY', 'empty-source');
  });

  test('a missing database tells the user to run db update', () => {
    assert.throws(() => openVulnDb(join(work, 'nowhere', 'vuln.db')), (e: unknown) => e instanceof BulkheadError && e.code === 'VULN_DB_MISSING' && e.message.includes('bulkhead db update'));
  });
});
