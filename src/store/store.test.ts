/**
 * The store on both dialects: the same migrations on a fresh SQLite file and a fresh PostgreSQL
 * database (a real server from the Debian `postgresql` package, started by the test harness), the
 * same tables and columns, every table round-tripping representative rows (blobs, generated ids),
 * and unique constraints behaving the same (ON CONFLICT DO NOTHING through Kysely).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startPostgres, type PostgresCluster } from '../../test/harness/postgres.js';
import { migrationProvider } from './migrations.js';
import { openStore, type Store } from './store.js';
import type { StoreSchema } from './schema.js';
import type { Insertable } from 'kysely';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-store-'));
let cluster: PostgresCluster;
before(async () => {
  cluster = await startPostgres();
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

type Rows = { [T in keyof StoreSchema]: Array<Insertable<StoreSchema[T]>> };

/** One or two rows per table, with NULLs, non-ASCII text, large integers within 32 bits and binary blobs. */
function sampleRows(): Rows {
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const now = '2024-05-01T12:00:00.000Z';
  return {
    users: [
      { id: 'u1', name: 'admin', password_hash: 'scrypt$32768$8$1$c2FsdA==$aGFzaA==', role: 'admin', created_at: now, disabled: 0 },
      { id: 'u2', name: 'ops.ünïcode@example', password_hash: null, role: 'operator', created_at: now, disabled: 1 },
    ],
    tokens: [{ id: 't1', user_id: 'u1', name: 'first run', prefix: 'deadbeef', hash: 'scrypt$1$1$1$a$b', created_at: now, last_used_at: null, expires_at: '2030-01-01T00:00:00.000Z' }],
    audit_log: [{ seq: 1, time: now, actor: 'admin', action: 'policy.update', target: 'policy default', details: '{"version":1}', outcome: 'ok', prev_hash: '0'.repeat(64), hash: 'a'.repeat(64) }],
    registries: [
      { id: 'r1', name: 'local', url: 'http://127.0.0.1:5000', username: 'bot', secret_enc: 'v1:aXY=:dGFn:Ym9keQ==', repositories: '["team/*"]', poll_seconds: 300, created_at: now, last_polled_at: null, last_error: 'timeout' },
    ],
    images: [
      { digest: 'sha256:' + 'b'.repeat(64), repository: '127.0.0.1:5000/team/app', config_digest: 'sha256:' + 'c'.repeat(64), os: 'debian 12', first_seen: now, last_scanned_at: now, scan_id: 's1', worst_severity: 'high', counts: '{"high":2,"fixable":1}', signature_status: 'unsigned', policy_status: 'fail' },
    ],
    image_tags: [{ repository: '127.0.0.1:5000/team/app', tag: 'v1', digest: 'sha256:' + 'b'.repeat(64), updated_at: now }],
    scans: [
      { id: 's1', image_digest: 'sha256:' + 'b'.repeat(64), created_at: now, source: 'registry', db_built: now, analysis_gz: gzipSync(allBytes), result_gz: Buffer.concat([allBytes, randomBytes(4096)]), summary: '{}' },
      { id: 's2', image_digest: 'sha256:' + 'b'.repeat(64), created_at: now, source: 'ci', db_built: null, analysis_gz: null, result_gz: Buffer.alloc(0), summary: '{}' },
    ],
    findings: [
      { scan_id: 's1', image_digest: 'sha256:' + 'b'.repeat(64), finding_id: 'CVE-2024-0001', kind: 'vulnerability', severity: 'high', package_name: 'openssl', package_version: '3.0.11-1~deb12u2', fixed_version: '3.0.13-1~deb12u1', title: 'openssl: ☃', suppressed: 0 },
      { scan_id: 's1', image_digest: 'sha256:' + 'b'.repeat(64), finding_id: 'BH-CFG-001', kind: 'misconfiguration', severity: 'low', package_name: null, package_version: null, fixed_version: null, title: 'runs as root', suppressed: 1 },
    ],
    alerts: [{ id: 'a1', time: now, kind: 'new-vulnerability', image_digest: null, title: 'new', details: '{}', delivery: '{"webhook":"ok"}' }],
    hosts: [{ id: 'h1', name: 'node-1', agent_version: '0.1.0', last_seen: now, facts: '{"kernel":"6.1"}' }],
    containers: [{ host_id: 'h1', container_id: 'c'.repeat(64), name: 'web', image: 'nginx:1', image_digest: 'sha256:' + 'd'.repeat(64), state: 'running', started_at: null, last_seen: now, fact: '{}' }],
    runtime_events: [
      { host_id: 'h1', agent_seq: 2_147_483_647, time: now, type: 'drift', severity: 'high', container_id: 'c1', container_name: 'web', action: 'killed', event: '{}' },
      { host_id: 'h1', agent_seq: 1, time: now, type: 'exec', severity: 'low', container_id: 'c1', container_name: 'web', action: 'none', event: '{}' },
    ],
    profile_modes: [{ image: 'nginx:1', mode: 'protect', requested_by: 'ops', requested_at: now, applied_by: '["h1"]' }],
    policies: [{ id: 'p1', name: 'default', version: 3, yaml: 'rules: []\n', created_at: now, created_by: 'admin', active: 1 }],
    settings: [{ key: 'k', value: 'v' }],
  };
}

const TABLE_ORDER = Object.keys(sampleRows()) as Array<keyof StoreSchema>;

/** Columns per table as the database itself reports them (names only, sorted). */
async function shape(store: Store): Promise<Record<string, string[]>> {
  const tables = await store.db.introspection.getTables();
  return Object.fromEntries(tables.map((t) => [t.name, t.columns.map((c) => c.name).sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

const shapes: Record<string, Record<string, string[]>> = {};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`store on ${dialect}`, () => {
    let location: string;
    let store: Store;
    before(async () => {
      location = dialect === 'sqlite' ? join(tmp, `${randomBytes(4).toString('hex')}.db`) : await cluster.createDatabase();
      store = await openStore(location);
    });
    after(async () => store?.close());

    test('migrations apply on a fresh database and again without change', async () => {
      assert.equal(store.dialect, dialect);
      const expected = Object.keys(await migrationProvider(dialect).getMigrations()).sort();
      const ran = async (s: Store) => (await s.db.selectFrom('kysely_migration' as never).select('name' as never).execute()).map((r) => (r as { name: string }).name).sort();
      assert.deepEqual(await ran(store), expected);
      const before = await shape(store);
      const again = await openStore(location);
      try {
        assert.deepEqual(await ran(again), expected);
        assert.deepEqual(await shape(again), before);
      } finally {
        await again.close();
      }
      for (const table of TABLE_ORDER) assert.ok(before[table], `table ${table} exists`);
      shapes[dialect] = before;
    });

    test('every table round-trips its rows, blobs byte for byte', async () => {
      const rows = sampleRows();
      for (const table of TABLE_ORDER) await store.db.insertInto(table).values(rows[table] as never).execute();
      for (const table of TABLE_ORDER) {
        const stored = (await store.db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
        assert.equal(stored.length, rows[table].length, table);
        for (const want of rows[table] as Array<Record<string, unknown>>) {
          const key = Object.keys(want)[0]!;
          const keyValue = want[key];
          const got = stored.find((r) => Object.entries(want).every(([k, v]) => (Buffer.isBuffer(v) ? Buffer.isBuffer(r[k]) && v.equals(r[k] as Buffer) : r[k] === v)));
          assert.ok(got, `${table}: a row equal to the one inserted with ${key}=${String(keyValue).slice(0, 40)}; stored: ${JSON.stringify(stored).slice(0, 500)}`);
        }
      }
      const scan = await store.db.selectFrom('scans').select(['analysis_gz', 'result_gz']).where('id', '=', 's1').executeTakeFirstOrThrow();
      assert.ok(Buffer.isBuffer(scan.analysis_gz) && Buffer.isBuffer(scan.result_gz));
      assert.ok(scan.result_gz.equals(rows.scans[0]!.result_gz as Buffer));
      const empty = await store.db.selectFrom('scans').select(['analysis_gz', 'result_gz']).where('id', '=', 's2').executeTakeFirstOrThrow();
      assert.equal(empty.analysis_gz, null);
      assert.equal(empty.result_gz.length, 0);
    });

    test('generated ids are distinct increasing numbers', async () => {
      const ids = (await store.db.selectFrom('findings').select('id').orderBy('id').execute()).map((r) => r.id);
      assert.equal(ids.length, 2);
      assert.ok(ids.every((id) => typeof id === 'number' && Number.isInteger(id)), JSON.stringify(ids));
      assert.ok(ids[1]! > ids[0]!);
      const inserted = await store.db
        .insertInto('runtime_events')
        .values({ host_id: 'h2', agent_seq: 1, time: 't', type: 'exec', severity: 'low', container_id: 'c', container_name: 'n', action: 'none', event: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const max = await store.db.selectFrom('runtime_events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow();
      assert.equal(typeof inserted.id, 'number');
      assert.equal(inserted.id, Number(max.m));
    });

    test('unique constraints: plain duplicates fail, ON CONFLICT DO NOTHING skips them', async () => {
      const event = { host_id: 'h1', agent_seq: 1, time: 'later', type: 'exec', severity: 'low', container_id: 'c1', container_name: 'web', action: 'none', event: '{"resent":true}' };
      await assert.rejects(store.db.insertInto('runtime_events').values(event).execute());
      const skipped = await store.db
        .insertInto('runtime_events')
        .values([event, { ...event, agent_seq: 7 }])
        .onConflict((oc) => oc.columns(['host_id', 'agent_seq']).doNothing())
        .execute();
      assert.equal(Number(skipped[0]!.numInsertedOrUpdatedRows), 1);
      const h1 = await store.db.selectFrom('runtime_events').select(['agent_seq', 'event']).where('host_id', '=', 'h1').orderBy('agent_seq').execute();
      assert.deepEqual(h1.map((r) => r.agent_seq), [1, 7, 2_147_483_647]);
      assert.equal(h1[0]!.event, '{}', 'the first copy is kept');
      const user = sampleRows().users[0]!;
      await assert.rejects(store.db.insertInto('users').values({ ...user, id: 'u9' }).execute(), 'users.name is unique');
      const tag = sampleRows().image_tags[0]!;
      await assert.rejects(store.db.insertInto('image_tags').values({ ...tag, digest: 'sha256:other' }).execute(), '(repository, tag) is the key');
      await store.db
        .insertInto('image_tags')
        .values({ ...tag, digest: 'sha256:other' })
        .onConflict((oc) => oc.columns(['repository', 'tag']).doUpdateSet({ digest: 'sha256:other' }))
        .execute();
      assert.equal((await store.db.selectFrom('image_tags').select('digest').executeTakeFirstOrThrow()).digest, 'sha256:other');
      await assert.rejects(store.db.insertInto('tokens').values({ ...sampleRows().tokens[0]!, id: 't9', user_id: 'nobody' }).execute(), 'tokens.user_id references users');
    });
  });
}

test('both dialects have the same tables and columns', () => {
  assert.ok(shapes['sqlite'] && shapes['postgres'], 'both migration tests ran');
  assert.deepEqual(shapes['postgres'], shapes['sqlite']);
});
