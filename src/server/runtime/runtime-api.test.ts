/**
 * The runtime API on both dialects (SQLite file and a real PostgreSQL from the Debian `postgresql`
 * package): idempotent event ingestion, inventory replacement joined with stored images, profile-mode
 * commands, and roles (auditors read, never change; their attempts are audited).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPostgres, type PostgresCluster } from '../../../test/harness/postgres.js';
import { openStore, type Store } from '../../store/index.js';
import { buildServer, type BulkheadServer } from '../app.js';
import { createToken } from '../auth/tokens.js';
import { createUser } from '../auth/users.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-runtime-api-'));
let cluster: PostgresCluster;
before(async () => {
  cluster = await startPostgres();
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function event(n: number, overrides: Record<string, unknown> = {}) {
  return {
    time: new Date(Date.UTC(2024, 4, 1, 12, 0, n)).toISOString(),
    type: n % 2 === 0 ? 'shell' : 'drift',
    severity: 'high',
    container: { id: `${'ab'.repeat(32)}`, name: 'web', image: 'web:1', imageDigest: 'sha256:aa' },
    process: { pid: n, path: '/bin/sh', cmdline: ['sh'] },
    action: 'alerted',
    reason: `event ${n}`,
    rule: 'BH-RT-100',
    ...overrides,
  };
}

async function exercise(store: Store): Promise<void> {
  const { app }: BulkheadServer = await buildServer({
    store,
    masterKey: randomBytes(32),
    logger: false,
    config: { stateDir: tmp, vulnDbPath: join(tmp, 'none.db'), cacheDir: false, alerts: { webhooks: [], slack: [] }, dbWatchSeconds: 3600, background: false },
  });
  try {
    const operator = await createUser(store.db, 'agent-1', 'operator');
    const auditor = await createUser(store.db, 'auditor', 'auditor');
    const op = (await createToken(store.db, operator.id, 'agent')).token;
    const au = (await createToken(store.db, auditor.id, 'read')).token;
    const call = async (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
      const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
      return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as any) : undefined };
    };
    const host = { id: 'host-1', name: 'node-a', agentVersion: '0.1.0', facts: { kernel: '6.1' } };

    // events: a resend overlapping what is stored adds only the new one, and the ack covers the batch
    let r = await call(op, 'POST', '/api/v1/agent/events', { host, events: [1, 2, 3].map((seq) => ({ seq, event: event(seq) })) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { acked: 3, stored: 3 });
    r = await call(op, 'POST', '/api/v1/agent/events', { host, events: [2, 3, 4].map((seq) => ({ seq, event: event(seq) })) });
    assert.deepEqual(r.body, { acked: 4, stored: 1 });
    assert.equal((await store.db.selectFrom('runtime_events').select('id').execute()).length, 4);
    r = await call(op, 'POST', '/api/v1/agent/events', { host, events: [{ seq: 5, event: { type: 'drift' } }] });
    assert.equal(r.status, 400);

    // reading, with filters and paging (auditors may read)
    r = await call(au, 'GET', '/api/v1/runtime/events?order=asc&limit=3');
    assert.deepEqual(r.body.events.map((e: { seq: number }) => e.seq), [1, 2, 3]);
    assert.equal(r.body.events[0].event.reason, 'event 1');
    r = await call(au, 'GET', `/api/v1/runtime/events?order=asc&limit=3&cursor=${r.body.next}`);
    assert.deepEqual(r.body.events.map((e: { seq: number }) => e.seq), [4]);
    assert.equal(r.body.next, null);
    r = await call(au, 'GET', '/api/v1/runtime/events?type=shell&host=node-a');
    assert.deepEqual(r.body.events.map((e: { seq: number }) => e.seq), [4, 2]);
    r = await call(au, 'GET', `/api/v1/runtime/events?container=abababab&since=${encodeURIComponent('2024-05-01T12:00:03Z')}`);
    assert.deepEqual(r.body.events.map((e: { seq: number }) => e.seq), [4, 3]);
    r = await call(au, 'GET', '/api/v1/runtime/events?since=yesterday');
    assert.equal(r.status, 400);

    // inventory: replaced per host, joined with the stored image by registry digest or image id
    await store.db
      .insertInto('images')
      .values({ digest: 'sha256:m1', repository: '127.0.0.1:5000/web', config_digest: 'sha256:c1', os: 'debian', first_seen: '2024-05-01T00:00:00Z', last_scanned_at: '2024-05-01T00:00:00Z', scan_id: 's1', worst_severity: 'critical', counts: '{"critical":1,"fixable":1}', signature_status: 'verified', policy_status: 'fail' })
      .execute();
    const fact = (id: string, name: string, extra: Record<string, unknown>) => ({ id, name, image: 'web:1', state: 'running', user: '', groupAdd: [], privileged: false, capAdd: [], capDrop: [], mounts: [], hostNamespaces: [], limits: {}, readOnlyRootfs: false, envNames: [], ...extra });
    r = await call(op, 'POST', '/api/v1/agent/inventory', { host, containers: [fact('c1', 'web', { imageDigest: '127.0.0.1:5000/web@sha256:m1' }), fact('c2', 'local', { imageId: 'sha256:c1', imageDigest: 'sha256:c1' }), fact('c3', 'other', { imageDigest: 'sha256:zz' })] });
    assert.deepEqual(r.body, { containers: 3 });
    r = await call(au, 'GET', '/api/v1/containers');
    const byName = new Map(r.body.map((c: { name: string }) => [c.name, c]));
    assert.equal((byName.get('web') as any).scan.worstSeverity, 'critical');
    assert.equal((byName.get('web') as any).signatureStatus, 'verified');
    assert.equal((byName.get('local') as any).scan.digest, 'sha256:m1');
    assert.equal((byName.get('other') as any).scan.status, 'not-scanned');
    assert.equal((byName.get('other') as any).signatureStatus, 'unknown');
    await call(op, 'POST', '/api/v1/agent/inventory', { host, containers: [fact('c3', 'other', {})] });
    r = await call(au, 'GET', '/api/v1/hosts');
    assert.equal(r.body.length, 1);
    assert.equal(r.body[0].name, 'node-a');
    assert.equal(r.body[0].containers, 1);

    // profile modes: auditors are refused (and audited), operators' choices reach each host once
    const image = encodeURIComponent('127.0.0.1:5000/team/web:1');
    r = await call(au, 'PUT', `/api/v1/profiles/${image}/mode`, { mode: 'protect' });
    assert.equal(r.status, 403);
    r = await call(au, 'POST', '/api/v1/agent/events', { host, events: [] });
    assert.equal(r.status, 403);
    r = await call(op, 'PUT', `/api/v1/profiles/${image}/mode`, { mode: 'fortify' });
    assert.equal(r.status, 400);
    r = await call(op, 'PUT', `/api/v1/profiles/${image}/mode`, { mode: 'protect' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.image, '127.0.0.1:5000/team/web:1');
    r = await call(op, 'GET', '/api/v1/agent/commands?host=host-1');
    assert.equal(r.body.profileModes.length, 1);
    const command = r.body.profileModes[0];
    assert.equal(command.mode, 'protect');
    r = await call(op, 'POST', '/api/v1/agent/commands/ack', { host: 'host-1', applied: [command] });
    assert.deepEqual(r.body, { acknowledged: 1 });
    r = await call(op, 'GET', '/api/v1/agent/commands?host=host-1');
    assert.deepEqual(r.body.profileModes, []);
    r = await call(op, 'GET', '/api/v1/agent/commands?host=host-2');
    assert.equal(r.body.profileModes.length, 1, 'another host still has to apply it');
    r = await call(au, 'GET', '/api/v1/profiles');
    assert.deepEqual(r.body[0].appliedBy, ['host-1']);

    const audit = await store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    const denied = audit.find((a) => a.action === 'auth.denied' && a.actor === 'auditor' && a.target.startsWith('PUT /api/v1/profiles/'));
    assert.ok(denied, 'the refused change is audited');
    const changed = audit.find((a) => a.action === 'profile.mode');
    assert.equal(changed?.actor, 'agent-1');
    assert.equal(changed?.target, 'profile 127.0.0.1:5000/team/web:1');
  } finally {
    await app.close();
  }
}

describe('runtime API', () => {
  test('SQLite', async () => {
    const store = await openStore(join(tmp, 'server.db'));
    try {
      await exercise(store);
    } finally {
      await store.close();
    }
  });
  test('PostgreSQL', async () => {
    const store = await openStore(await cluster.createDatabase());
    try {
      await exercise(store);
    } finally {
      await store.close();
    }
  });
});
