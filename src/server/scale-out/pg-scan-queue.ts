/**
 * The scan queue of PostgreSQL replicas: jobs are rows of pg-boss's `bulkhead_scan` queue, run by
 * `bulkhead worker` processes; this side only sends them and reports their states. Deduplication
 * by manifest digest holds across replicas: the check (stored scan, or a job for the digest that
 * is created, waiting for a retry or active) and the send are one transaction under an advisory
 * lock on the digest, so two replicas told about one digest at once queue it once. Tags arriving
 * for a digest already queued are written to image_tags at once (they name the digest, not a scan).
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { StoreSchema } from '../../store/index.js';
import type { JobQueue } from '../registry/job-queue.js';
import type { JobRecord, JobState, QueueStats, ScanJob, ScannedEvent } from '../registry/scan-queue.js';
import { SCAN_JOBS, type ScanJobData } from './boss.js';
import { digestLockKey } from './record-once.js';

const STATES: Record<string, JobState> = { created: 'queued', retry: 'queued', active: 'running', completed: 'done', failed: 'failed', cancelled: 'failed' };

export interface PgScanQueueOptions {
  db: Kysely<StoreSchema>;
  boss: () => Promise<PgBoss>;
  /** How many jobs the API lists. */
  keepFinished?: number;
}

export class PgScanQueue implements JobQueue {
  readonly onScanned: Array<(event: ScannedEvent) => void | Promise<void>> = [];
  /** Deduplicated requests this replica answered (pg-boss keeps no row for them). */
  private deduplicated = 0;

  constructor(private readonly options: PgScanQueueOptions) {}

  start(): void {
    /* workers consume; a replica only sends */
  }

  async stop(): Promise<void> {
    /* the boss is stopped by whoever opened it */
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  async enqueue(job: ScanJob): Promise<JobRecord> {
    const boss = await this.options.boss();
    const queuedAt = new Date().toISOString();
    const data: ScanJobData = {
      reference: job.reference,
      repository: job.repository,
      tags: [...job.tags],
      ...(job.digest ? { digest: job.digest } : {}),
      ...(job.insecure ? { insecure: true } : {}),
      ...(job.registryId ? { registryId: job.registryId } : {}),
    };
    const outcome = await this.options.db.transaction().execute(async (tx) => {
      if (job.digest) {
        await sql`SELECT pg_advisory_xact_lock(${digestLockKey(job.digest)})`.execute(tx);
        const stored = await tx.selectFrom('images').select('scan_id').where('digest', '=', job.digest).executeTakeFirst();
        const pending = stored?.scan_id
          ? undefined
          : (await sql<{ id: string }>`SELECT id FROM pgboss.job WHERE name = ${SCAN_JOBS} AND singleton_key = ${job.digest} AND state IN ('created', 'retry', 'active') LIMIT 1`.execute(tx)).rows[0];
        if (stored?.scan_id || pending) {
          for (const tag of job.tags) {
            await tx.deleteFrom('image_tags').where('repository', '=', job.repository).where('tag', '=', tag).execute();
            await tx.insertInto('image_tags').values({ repository: job.repository, tag, digest: job.digest, updated_at: queuedAt }).execute();
          }
          return { deduplicated: true as const };
        }
      }
      // pg-boss writes the job through this transaction, so the check above and the row are one step
      const id = await boss.send(SCAN_JOBS, data, {
        ...(job.digest ? { singletonKey: job.digest } : {}),
        db: { executeSql: async (text, values) => ({ rows: [...(await tx.executeQuery(CompiledQuery.raw(text, values as unknown[]))).rows] }) },
      });
      return { deduplicated: id === null, id };
    });
    const record: JobRecord = { id: outcome.deduplicated ? 0 : outcome.id!, reference: job.reference, repository: job.repository, tags: [...job.tags], state: 'queued', queuedAt, ...(job.digest ? { digest: job.digest } : {}) };
    if (outcome.deduplicated) {
      this.deduplicated++;
      record.state = 'deduplicated';
      record.finishedAt = queuedAt;
    }
    return record;
  }

  async stats(): Promise<QueueStats> {
    const { rows } = await sql<{ state: string; n: string }>`SELECT state, count(*) AS n FROM pgboss.job WHERE name = ${SCAN_JOBS} GROUP BY state`.execute(this.options.db);
    const stats: QueueStats = { queued: 0, running: 0, done: 0, failed: 0, deduplicated: this.deduplicated };
    for (const row of rows) {
      const state = STATES[row.state];
      if (state && state !== 'deduplicated') stats[state] += Number(row.n);
    }
    return stats;
  }

  async jobs(): Promise<JobRecord[]> {
    const { rows } = await sql<{ id: string; data: ScanJobData; state: string; created_on: Date; completed_on: Date | null; output: { scanId?: string; message?: string } | null }>`
      SELECT id, data, state, created_on, completed_on, output FROM pgboss.job WHERE name = ${SCAN_JOBS}
      ORDER BY created_on DESC LIMIT ${this.options.keepFinished ?? 200}`.execute(this.options.db);
    return rows.map((row) => ({
      id: row.id,
      reference: row.data.reference,
      repository: row.data.repository,
      tags: row.data.tags,
      ...(row.data.digest ? { digest: row.data.digest } : {}),
      state: STATES[row.state] ?? 'queued',
      queuedAt: new Date(row.created_on).toISOString(),
      ...(row.completed_on ? { finishedAt: new Date(row.completed_on).toISOString() } : {}),
      ...(row.state === 'failed' && row.output?.message ? { error: row.output.message } : {}),
      ...(row.output?.scanId ? { scanId: row.output.scanId } : {}),
    }));
  }

  async emitScanned(event: ScannedEvent): Promise<void> {
    for (const fn of this.onScanned) {
      try {
        await fn(event);
      } catch {
        /* a subscriber's failure is its own: it logs it */
      }
    }
  }
}
