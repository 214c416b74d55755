/**
 * The audit log: every change to policies, exceptions, registries, users and tokens, every runtime
 * response ordered from the server, and every denied attempt, appended as a row whose `hash` is
 * HMAC-SHA256(audit key, prev_hash + canonical row). Editing, removing or reordering a row breaks the
 * chain from there on; `verifyAudit` (and `bulkhead audit verify`) finds the first broken row.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { AuditRow, StoreSchema } from '../store/index.js';

export const AUDIT_GENESIS = '0'.repeat(64);

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  /** What changed; never a secret (callers pass names and ids, not passwords or tokens). */
  details?: Record<string, unknown>;
  outcome?: 'ok' | 'denied';
}

function rowText(row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return JSON.stringify([row.seq, row.time, row.actor, row.action, row.target, row.details, row.outcome]);
}

export function auditHash(key: Buffer, prevHash: string, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(rowText(row)).digest('hex');
}

/** Any fixed 64-bit number: the advisory lock every replica takes to append (docs/scale-out.md). */
const AUDIT_LOCK = 0x6275_6c6b_6175_64n;

/**
 * Appends one entry; retried when another worker appended the same sequence number first. On
 * PostgreSQL, replicas serialise appends with a transaction-scoped advisory lock, so the read of
 * the last row and the insert are one step and the chain never forks.
 */
export async function appendAudit(db: Kysely<StoreSchema>, key: Buffer, entry: AuditEntry, now = new Date()): Promise<AuditRow> {
  if (!db.isTransaction && db.getExecutor().adapter instanceof PostgresAdapter) {
    return db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK.toString())}::bigint)`.execute(tx);
      return appendAudit(tx, key, entry, now);
    });
  }
  for (let attempt = 0; ; attempt++) {
    const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const base = {
      seq: (last?.seq ?? 0) + 1,
      time: now.toISOString(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details ?? {}),
      outcome: entry.outcome ?? 'ok',
    };
    const prev = last?.hash ?? AUDIT_GENESIS;
    const row: AuditRow = { ...base, prev_hash: prev, hash: auditHash(key, prev, base) };
    try {
      await db.insertInto('audit_log').values(row).execute();
      return row;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row whose hash or link does not verify. */
  brokenAt?: number;
  reason?: string;
}

export async function verifyAudit(db: Kysely<StoreSchema>, key: Buffer): Promise<AuditVerification> {
  let prev = AUDIT_GENESIS;
  let expectedSeq = 1;
  let rows = 0;
  const page = 1000;
  for (let after = 0; ; ) {
    const batch = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(page).execute();
    for (const row of batch) {
      rows++;
      if (row.seq !== expectedSeq) return { ok: false, rows, brokenAt: row.seq, reason: `row ${expectedSeq} is missing (found ${row.seq} next)` };
      if (row.prev_hash !== prev) return { ok: false, rows, brokenAt: row.seq, reason: `row ${row.seq} does not link to row ${row.seq - 1}` };
      const { hash, prev_hash: _p, ...rest } = row;
      const expected = auditHash(key, prev, rest);
      if (hash.length !== expected.length || !timingSafeEqual(Buffer.from(hash), Buffer.from(expected))) {
        return { ok: false, rows, brokenAt: row.seq, reason: `row ${row.seq} was changed after it was written` };
      }
      prev = hash;
      expectedSeq++;
      after = row.seq;
    }
    if (batch.length < page) break;
  }
  return { ok: true, rows };
}
