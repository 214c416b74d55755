/**
 * The PostgreSQL job queue (pg-boss 10, schema `pgboss` in the server's database) as servers and
 * workers open it: two queues, `bulkhead_scan` (one job per manifest digest) and `bulkhead_rematch`
 * (one job per vulnerability database build). Servers only send; workers also run maintenance
 * (expiry of jobs whose worker died, retries), so the interval that bounds failover is theirs.
 */
import PgBoss from 'pg-boss';
import { BulkheadError } from '../../errors.js';

export const SCAN_JOBS = 'bulkhead_scan';
export const REMATCH_JOBS = 'bulkhead_rematch';

/** What one scan job carries: never credentials (the worker reads the registry's, encrypted, by id). */
export interface ScanJobData {
  reference: string;
  repository: string;
  tags: string[];
  digest?: string;
  insecure?: boolean;
  registryId?: string;
}

export interface RematchJobData {
  /** The database build to match against (its `updated_at`). */
  build: string;
}

export interface BossOptions {
  /** Seconds between maintenance runs (expiry, retries); only workers supervise. */
  maintenanceSeconds?: number;
  supervise: boolean;
  /** Pool size of pg-boss's own connections. */
  max?: number;
}

/** Starts pg-boss on the database (installing its schema on first use) and makes sure both queues exist. */
export async function startBoss(databaseUrl: string, options: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: options.max ?? 4,
    supervise: options.supervise,
    schedule: false,
    ...(options.maintenanceSeconds ? { maintenanceIntervalSeconds: options.maintenanceSeconds, monitorStateIntervalSeconds: Math.max(options.maintenanceSeconds, 1) } : {}),
  });
  // pg-boss reports background errors as events; without a listener Node would throw them
  boss.on('error', () => undefined);
  try {
    await boss.start();
    for (const name of [SCAN_JOBS, REMATCH_JOBS]) {
      // several processes may start at once: the second create of a queue fails, which is fine
      if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy: 'standard', retryLimit: 5, retryDelay: 1, expireInSeconds: 900 }).catch(() => undefined);
      if (!(await boss.getQueue(name))) throw new Error(`queue ${name} could not be created`);
    }
  } catch (e) {
    await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    throw new BulkheadError('NETWORK_ERROR', `job queue in the server database: ${(e as Error).message}`, { cause: e });
  }
  return boss;
}
