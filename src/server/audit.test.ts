/**
 * The audit chain on both dialects (SQLite file and a real PostgreSQL from the Debian `postgresql`
 * package): concurrent appends stay gap-free and verify; editing any column, deleting a middle row
 * or swapping two rows is found at the right row; `bulkhead audit verify` (the real CLI) exits 0 on
 * an intact log and 1 after a row is edited behind the server's back.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../test/harness/cli.js';
import { startPostgres, type PostgresCluster } from '../../test/harness/postgres.js';
import { openStore, type AuditRow, type Store } from '../store/index.js';
import { appendAudit, verifyAudit } from './audit.js';
import { deriveKeys, loadMasterKey } from './secret-key.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-audit-'));
let cluster: PostgresCluster;
before(async () => {
  cluster = await startPostgres();
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const key = randomBytes(32);

async function replaceAll(store: Store, rows: AuditRow[]): Promise<void> {
  await store.db.deleteFrom('audit_log').execute();
  await store.db.insertInto('audit_log').values(rows).execute();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`audit chain on ${dialect}`, () => {
    let location: string;
    let stores: Store[];
    before(async () => {
      location = dialect === 'sqlite' ? join(tmp, `${dialect}.db`) : await cluster.createDatabase();
      // two handles on one database: two server workers appending at the same time
      stores = [await openStore(location), await openStore(location)];
    });
    after(async () => {
      for (const s of stores ?? []) await s.close();
    });

    test('8 concurrent writers give a gap-free chain that verifies', async () => {
      const writers = Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 8; i++) {
            await appendAudit(stores[w % 2]!.db, key, { actor: `writer-${w}`, action: 'test.append', target: `entry ${i}`, details: { w, i } });
          }
        })(),
      );
      await Promise.all(writers);
      const rows = await stores[0]!.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 64 }, (_, i) => i + 1));
      const written = new Set(rows.map((r) => `${r.actor}/${r.target}`));
      assert.equal(written.size, 64, 'every append is there exactly once');
      assert.deepEqual(await verifyAudit(stores[1]!.db, key), { ok: true, rows: 64 });
      // the key matters: another key cannot verify the chain
      const other = await verifyAudit(stores[0]!.db, randomBytes(32));
      assert.equal(other.ok, false);
      assert.equal(other.brokenAt, 1);
    });

    test('editing any column of a stored row is found at that row', async () => {
      const db = stores[0]!.db;
      const original = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      const target = original[20]!;
      const edits: Array<[string, Partial<AuditRow>]> = [
        ['time', { time: new Date(Date.parse(target.time) + 1).toISOString() }],
        ['actor', { actor: 'someone-else' }],
        ['action', { action: 'policy.read' }],
        ['target', { target: target.target + ' ' }],
        ['details', { details: '{}' }],
        ['outcome', { outcome: 'denied' }],
        ['prev_hash', { prev_hash: original[5]!.hash }],
        ['hash', { hash: original[21]!.hash }],
      ];
      for (const [column, change] of edits) {
        await db.updateTable('audit_log').set(change).where('seq', '=', target.seq).execute();
        const result = await verifyAudit(db, key);
        assert.equal(result.ok, false, column);
        assert.equal(result.brokenAt, target.seq, `${column}: ${result.reason}`);
        await replaceAll(stores[0]!, original);
      }
      // restored, the log verifies again: the failures above came from the edits alone
      assert.deepEqual(await verifyAudit(db, key), { ok: true, rows: original.length });
    });

    test('a deleted middle row and two swapped rows are found', async () => {
      const db = stores[0]!.db;
      const original = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      await db.deleteFrom('audit_log').where('seq', '=', 30).execute();
      const deleted = await verifyAudit(db, key);
      assert.equal(deleted.ok, false);
      assert.equal(deleted.brokenAt, 31);
      assert.match(deleted.reason ?? '', /row 30 is missing/u);
      await replaceAll(stores[0]!, original);

      // swap rows 40 and 41: each keeps its sequence number, the contents trade places
      const [a, b] = [original[39]!, original[40]!];
      const { seq: _sa, ...aRest } = a;
      const { seq: _sb, ...bRest } = b;
      await db.updateTable('audit_log').set(bRest).where('seq', '=', 40).execute();
      await db.updateTable('audit_log').set(aRest).where('seq', '=', 41).execute();
      const swapped = await verifyAudit(db, key);
      assert.equal(swapped.ok, false);
      assert.equal(swapped.brokenAt, 40);
      await replaceAll(stores[0]!, original);

      // restored, the log verifies again
      assert.deepEqual(await verifyAudit(db, key), { ok: true, rows: original.length });
    });
  });
}

test('bulkhead audit verify: exit 0 on an intact log, 1 after a row is edited', async () => {
  const stateDir = join(tmp, 'state');
  const masterKey = loadMasterKey(join(stateDir, 'server.key'));
  const store = await openStore(join(stateDir, 'server.db'));
  try {
    for (let i = 0; i < 5; i++) await appendAudit(store.db, deriveKeys(masterKey).audit, { actor: 'admin', action: 'policy.update', target: `policy p${i}` });
  } finally {
    await store.close();
  }
  const intact = await runCli(['audit', 'verify', '--state-dir', stateDir]);
  assert.equal(intact.code, 0, intact.stderr);
  assert.match(intact.stdout, /intact: 5 rows/u);

  // a second connection (the sqlite3 API), as someone with file access would do it
  const Database = (await import('better-sqlite3')).default;
  const raw = new Database(join(stateDir, 'server.db'));
  raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run();
  raw.close();
  const broken = await runCli(['audit', 'verify', '--state-dir', stateDir]);
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /BROKEN at row 3/u);

  // without the key the chain cannot be checked: a clear error, not a pass
  const noKey = await runCli(['audit', 'verify', '--state-dir', join(tmp, 'empty'), '--database', join(stateDir, 'server.db')]);
  assert.notEqual(noKey.code, 0);
  assert.notEqual(noKey.code, 1);
});
