/**
 * Stores a worker's scan at most once per image digest. A job retried after its worker died may
 * find that the dead attempt already stored the scan, and an expired job can still be running
 * somewhere while its retry runs: the check and the write are one transaction under an advisory
 * lock on the digest (the same lock the replicas' enqueue takes), so the second writer sees the
 * first one's scan and stores nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';
import { imageDigestOf, recordScan, type RecordedScan, type RecordScanInput } from '../inventory/index.js';

/** The advisory lock key of one digest: a 64-bit hash computed by PostgreSQL. */
export function digestLockKey(digest: string) {
  return sql`hashtextextended(${'bulkhead scan ' + digest}, 0)`;
}

export interface RecordOnceOutcome {
  recorded: RecordedScan;
  /** False when the digest already had a stored scan (the earlier one is returned). */
  created: boolean;
}

/** Whether the digest has a stored scan, and its id. */
export async function storedScanId(db: Kysely<StoreSchema>, digest: string): Promise<string | undefined> {
  const row = await db.selectFrom('images').select('scan_id').where('digest', '=', digest).executeTakeFirst();
  return row?.scan_id ?? undefined;
}

export async function recordScanOnce(db: Kysely<StoreSchema>, input: RecordScanInput, digest = imageDigestOf(input.result)): Promise<RecordOnceOutcome> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${digestLockKey(digest)})`.execute(tx);
    const existing = await storedScanId(tx, digest);
    if (existing) return { created: false, recorded: { scanId: existing, imageDigest: digest, newVulnerabilities: [], firstScan: false } };
    return { created: true, recorded: await recordScan(tx, input) };
  });
}
