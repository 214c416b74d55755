/**
 * The scan worker: registry images waiting to be scanned, deduplicated by manifest digest. A digest
 * that is queued, running or already stored is never scanned again; a new tag for it is only
 * recorded in image_tags. This queue lives in memory (one server process, the SQLite default); with
 * PostgreSQL, scale-out/pg-scan-queue.ts keeps jobs in the database for `bulkhead worker` processes.
 */
import type { Kysely } from 'kysely';
import type { ImageAnalysis } from '../../catalog/index.js';
import type { ScanResult } from '../../findings/scan-result.js';
import type { StoreSchema } from '../../store/index.js';
import { recordScan, type RecordedScan } from '../inventory/index.js';
import type { JobQueue } from './job-queue.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface ScanJob {
  /** What to scan: `host/repository@digest` (or `:tag` when the digest is unknown). */
  reference: string;
  /** `host/repository`, the key images and tags are stored under. */
  repository: string;
  tags: string[];
  digest?: string;
  credentials?: RegistryCredentials;
  /** Plain HTTP or unverified TLS for a non-loopback registry. */
  insecure?: boolean;
  /** The configured registry the job came from (its last_error is set when the scan fails). */
  registryId?: string;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'deduplicated';

/** What the API shows of a job: never its credentials. */
export interface JobRecord {
  /** A number in the in-process queue, the job's UUID in the PostgreSQL one. */
  id: number | string;
  reference: string;
  repository: string;
  tags: string[];
  digest?: string;
  state: JobState;
  queuedAt: string;
  finishedAt?: string;
  error?: string;
  scanId?: string;
}

/** What subscribers of `onScanned` receive after a scan is stored. */
export interface ScannedEvent {
  recorded: RecordedScan;
  source: 'registry' | 'ci';
  repository: string;
  tags: string[];
  result: ScanResult;
  /** How the job reached the registry (signature checks reuse it); never shown by the API. */
  access?: { credentials?: RegistryCredentials; insecure?: boolean };
}

/** Runs one scan: the server passes scanImage with its database and layer cache; tests may fake nothing else. */
export type ScanRunner = (job: ScanJob) => Promise<{ result: ScanResult; analysis: ImageAnalysis }>;

export interface ScanQueueOptions {
  db: Kysely<StoreSchema>;
  run: ScanRunner;
  concurrency?: number;
  /** Called when a job fails (after it is marked), e.g. to log without credentials. */
  onError?: (job: JobRecord, error: Error) => void;
  /** How many finished jobs the API can still show. */
  keepFinished?: number;
}

export interface QueueStats {
  queued: number;
  running: number;
  done: number;
  failed: number;
  deduplicated: number;
}

export class ScanQueue implements JobQueue {
  /** Subscribers told about every stored scan (alerts); a throwing subscriber does not stop the others. */
  readonly onScanned: Array<(event: ScannedEvent) => void | Promise<void>> = [];
  private readonly pending: Array<{ job: ScanJob; record: JobRecord }> = [];
  private readonly active = new Set<string>();
  private readonly recent: JobRecord[] = [];
  private readonly counters: QueueStats = { queued: 0, running: 0, done: 0, failed: 0, deduplicated: 0 };
  private running = 0;
  private nextId = 1;
  private started = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;

  constructor(private readonly options: ScanQueueOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** Starts working (the server calls this when background services run). */
  start(): void {
    this.started = true;
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.length = 0;
    await new Promise<void>((resolve) => (this.running === 0 ? resolve() : this.idleWaiters.push(resolve)));
  }

  /**
   * Queues a job unless its digest is queued, running or stored already; then only its tags are
   * recorded. Returns the job as the API shows it.
   */
  async enqueue(job: ScanJob): Promise<JobRecord> {
    const record: JobRecord = { id: this.nextId++, reference: job.reference, repository: job.repository, tags: [...job.tags], state: 'queued', queuedAt: new Date().toISOString(), ...(job.digest ? { digest: job.digest } : {}) };
    if (job.digest && (this.active.has(job.digest) || (await this.stored(job.digest)))) {
      if (this.active.has(job.digest)) {
        // the running or queued job will record these tags too
        const twin = this.pending.find((p) => p.job.digest === job.digest && p.job.repository === job.repository);
        if (twin) {
          for (const t of job.tags) {
            if (!twin.job.tags.includes(t)) {
              twin.job.tags.push(t);
              twin.record.tags.push(t);
            }
          }
        } else this.lateTags.set(job.digest, [...(this.lateTags.get(job.digest) ?? []), { repository: job.repository, tags: job.tags }]);
      } else {
        await this.recordTags(job.repository, job.tags, job.digest);
      }
      record.state = 'deduplicated';
      record.finishedAt = record.queuedAt;
      this.counters.deduplicated++;
      this.remember(record);
      return record;
    }
    if (job.digest) this.active.add(job.digest);
    this.pending.push({ job, record });
    this.counters.queued++;
    this.remember(record);
    this.pump();
    return record;
  }

  /** Resolves when nothing is queued or running (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && (this.pending.length === 0 || !this.started)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): QueueStats {
    return { ...this.counters };
  }

  /** The most recent jobs, newest first. */
  jobs(): JobRecord[] {
    return [...this.recent].reverse();
  }

  /** Tells subscribers about a scan stored by another path (CI uploads). */
  async emitScanned(event: ScannedEvent): Promise<void> {
    for (const fn of this.onScanned) {
      try {
        await fn(event);
      } catch {
        /* a subscriber's failure is its own: it logs it */
      }
    }
  }

  /** Tags that arrived for a digest while its scan was running. */
  private readonly lateTags = new Map<string, Array<{ repository: string; tags: string[] }>>();

  private async stored(digest: string): Promise<boolean> {
    const row = await this.options.db.selectFrom('images').select('scan_id').where('digest', '=', digest).executeTakeFirst();
    return row?.scan_id != null;
  }

  private async recordTags(repository: string, tags: string[], digest: string): Promise<void> {
    const now = new Date().toISOString();
    for (const tag of tags) {
      await this.options.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('image_tags').where('repository', '=', repository).where('tag', '=', tag).execute();
        await tx.insertInto('image_tags').values({ repository, tag, digest, updated_at: now }).execute();
      });
    }
  }

  private remember(record: JobRecord): void {
    this.recent.push(record);
    const keep = this.options.keepFinished ?? 200;
    if (this.recent.length > keep) this.recent.splice(0, this.recent.length - keep);
  }

  private pump(): void {
    if (!this.started || this.stopped) return;
    while (this.running < this.concurrency && this.pending.length > 0) {
      const next = this.pending.shift()!;
      this.running++;
      this.counters.queued--;
      this.counters.running++;
      void this.work(next.job, next.record).finally(() => {
        this.running--;
        this.counters.running--;
        if (next.job.digest) this.active.delete(next.job.digest);
        this.pump();
        if (this.running === 0 && (this.pending.length === 0 || this.stopped)) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async work(job: ScanJob, record: JobRecord): Promise<void> {
    record.state = 'running';
    try {
      const { result, analysis } = await this.options.run(job);
      const recorded = await recordScan(this.options.db, { result, analysis, source: 'registry', repository: job.repository, tags: job.tags });
      for (const late of this.lateTags.get(job.digest ?? '') ?? []) await this.recordTags(late.repository, late.tags, recorded.imageDigest);
      if (job.digest) this.lateTags.delete(job.digest);
      record.state = 'done';
      record.scanId = recorded.scanId;
      this.counters.done++;
      if (job.registryId) await this.options.db.updateTable('registries').set({ last_error: null }).where('id', '=', job.registryId).execute();
      const access = job.credentials || job.insecure ? { access: { ...(job.credentials ? { credentials: job.credentials } : {}), ...(job.insecure ? { insecure: true } : {}) } } : {};
      await this.emitScanned({ recorded, source: 'registry', repository: job.repository, tags: job.tags, result, ...access });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      record.state = 'failed';
      record.error = error.message;
      this.counters.failed++;
      if (job.registryId) {
        await this.options.db
          .updateTable('registries')
          .set({ last_error: `${job.reference}: ${error.message}`.slice(0, 1000) })
          .where('id', '=', job.registryId)
          .execute()
          .catch(() => undefined);
      }
      this.options.onError?.(record, error);
    } finally {
      record.finishedAt = new Date().toISOString();
    }
  }
}
