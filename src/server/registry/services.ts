/**
 * The registry side of the server as shared services: the scan queue (`scan-queue`) and the monitor
 * (`registry-monitor`). Both exist whenever the API runs, so pushes are accepted and listed; they
 * only work (scan, poll) when background services are on. With `config.scaleOut` the queue is the
 * PostgreSQL one (workers scan) and only the leader replica polls.
 */
import type { ServerContext } from '../context.js';
import { RegistryMonitor } from './monitor.js';
import { PgScanQueue } from '../scale-out/pg-scan-queue.js';
import { replicaServices } from '../scale-out/server-side.js';
import type { JobQueue } from './job-queue.js';
import { ScanQueue, type ScanJob } from './scan-queue.js';

export const SCAN_QUEUE = 'scan-queue';
export const REGISTRY_MONITOR = 'registry-monitor';

export function registryServices(ctx: ServerContext): { queue: JobQueue; monitor: RegistryMonitor } {
  const existing = ctx.services.get(SCAN_QUEUE) as JobQueue | undefined;
  if (existing) return { queue: existing, monitor: ctx.services.get(REGISTRY_MONITOR) as RegistryMonitor };
  // PostgreSQL with external workers: jobs go to the shared queue, the leader replica polls
  const replica = ctx.config.scaleOut ? replicaServices(ctx, ctx.config.scaleOut) : undefined;
  const queue: JobQueue = replica
    ? new PgScanQueue({ db: ctx.store.db, boss: replica.boss })
    : new ScanQueue({
        db: ctx.store.db,
        run: (job) => scanRegistryImage(ctx, job),
        onError: (job, error) => ctx.log.warn({ reference: job.reference, error: error.message }, 'registry scan failed'),
      });
  const monitor = new RegistryMonitor({
    db: ctx.store.db,
    queue,
    encryptionKey: ctx.keys.encryption,
    ...(replica ? { active: () => replica.isLeader() } : {}),
    onError: (registry, error) => ctx.log.warn({ registry, error: error.message }, 'registry poll failed'),
  });
  ctx.services.set(SCAN_QUEUE, queue);
  ctx.services.set(REGISTRY_MONITOR, monitor);
  if (ctx.config.background) {
    queue.start();
    const reload = (): void => void monitor.reload().catch((e: unknown) => ctx.log.warn({ error: (e as Error).message }, 'registry monitor did not start'));
    // a replica learns of registries another one created when it (next) leads
    if (replica) replica.whileLeading.push(reload);
    else reload();
    ctx.onClose(() => queue.stop());
    ctx.onClose(() => monitor.stop());
  }
  return { queue, monitor };
}

/** One registry scan: vulnerabilities, secrets and configuration, with the server's database and layer cache. */
async function scanRegistryImage(ctx: ServerContext, job: ScanJob) {
  const { scanImage } = await import('../../scan/index.js');
  return scanImage(job.reference, {
    dbPath: ctx.config.vulnDbPath,
    cacheDir: ctx.config.cacheDir,
    scanners: ['vuln', 'secret', 'config'],
    // the dashboard shows the database's age itself; a scan should not repeat it as a warning
    maxDbAgeDays: 0,
    ...(job.insecure ? { insecure: true } : {}),
    ...(job.credentials ? { username: job.credentials.username, password: job.credentials.password } : {}),
  });
}
