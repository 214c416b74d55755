/**
 * What the rest of the server needs from a scan queue, whichever keeps it: the in-process
 * ScanQueue (SQLite, one server; scan-queue.ts) or the PostgreSQL one consumed by `bulkhead worker`
 * processes (scale-out/pg-scan-queue.ts). Routes, the registry monitor and the verdict wiring
 * only see this.
 */
import type { JobRecord, QueueStats, ScanJob, ScannedEvent } from './scan-queue.js';

export interface JobQueue {
  /** Subscribers told about every scan this process stores or is told of (CI uploads). */
  readonly onScanned: Array<(event: ScannedEvent) => void | Promise<void>>;
  /** Queues a job unless its digest is queued, running or stored (then only its tags are recorded). */
  enqueue(job: ScanJob): Promise<JobRecord>;
  stats(): QueueStats | Promise<QueueStats>;
  /** The most recent jobs, newest first. */
  jobs(): JobRecord[] | Promise<JobRecord[]>;
  emitScanned(event: ScannedEvent): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when this process has nothing queued or running. */
  idle(): Promise<void>;
}
