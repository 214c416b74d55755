/**
 * `bulkhead worker`: claims scan and re-match jobs from the PostgreSQL queue the server replicas
 * fill (src/server/scale-out/), `concurrency` scans at a time, and runs the queue's maintenance, so
 * a job whose worker died (SIGKILL, lost node) expires after `jobTimeoutSeconds` and is retried by
 * another worker. docs/scale-out.md describes the whole arrangement.
 */
import type PgBoss from 'pg-boss';
import { openStore } from '../../store/index.js';
import { Alerter } from '../alerts/index.js';
import type { AlertTargets } from '../context.js';
import { Rematcher, type RematchRun } from '../rematch/index.js';
import { REMATCH_JOBS, SCAN_JOBS, startBoss, type RematchJobData, type ScanJobData } from '../scale-out/boss.js';
import { REMATCH_STAMP_KEY } from '../scale-out/rematch-trigger.js';
import { deriveKeys } from '../secret-key.js';
import { VerdictService } from '../verdict/index.js';
import { runScanJob } from './scan-job.js';

export interface WorkerOptions {
  databaseUrl: string;
  vulnDbPath: string;
  masterKey: Buffer;
  /** Relative key paths of stored policies are read from here (as on the server). */
  stateDir: string;
  concurrency: number;
  /** A job still active this long is taken as lost and retried (pg-boss expiry). */
  jobTimeoutSeconds: number;
  /** How often expiry and retries are checked. */
  maintenanceSeconds: number;
  retryLimit: number;
  alerts: AlertTargets;
  /** One line per job started, finished or failed, and per problem. */
  onEvent?: (event: WorkerEvent) => void;
}

export interface WorkerEvent {
  kind: 'started' | 'finished' | 'failed' | 'warning';
  job?: string;
  reference?: string;
  message?: string;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const store = await openStore(options.databaseUrl);
  const emit = options.onEvent ?? (() => undefined);
  let boss: PgBoss | undefined;
  try {
    boss = await startBoss(options.databaseUrl, { supervise: true, maintenanceSeconds: options.maintenanceSeconds, max: options.concurrency + 3 });
    const keys = deriveKeys(options.masterKey);
    const warn = (message: string): void => emit({ kind: 'warning', message });
    const alerter = new Alerter({ db: store.db, targets: options.alerts, onWarning: warn });
    const verdicts = new VerdictService({ db: store.db, stateDir: options.stateDir, encryptionKey: keys.encryption, alerter: () => alerter, onWarning: (m) => warn(m) });
    // expiry and retries are the queue's settings, applied to jobs sent from now on
    await boss.updateQueue(SCAN_JOBS, { name: SCAN_JOBS, policy: 'standard', expireInSeconds: options.jobTimeoutSeconds, retryLimit: options.retryLimit, retryDelay: 1 });
    await boss.updateQueue(REMATCH_JOBS, { name: REMATCH_JOBS, policy: 'standard', expireInSeconds: Math.max(options.jobTimeoutSeconds, 3600), retryLimit: options.retryLimit, retryDelay: 1 });

    const scanDeps = { db: store.db, vulnDbPath: options.vulnDbPath, encryptionKey: keys.encryption, verdicts };
    for (let i = 0; i < options.concurrency; i++) {
      await boss.work<ScanJobData>(SCAN_JOBS, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (!job) return undefined;
        emit({ kind: 'started', job: job.id, reference: job.data.reference });
        try {
          const output = await runScanJob(scanDeps, job.data);
          emit({ kind: 'finished', job: job.id, reference: job.data.reference, message: output.stored ? `stored scan ${output.scanId}` : `already stored as ${output.scanId}` });
          return output;
        } catch (e) {
          emit({ kind: 'failed', job: job.id, reference: job.data.reference, message: (e as Error).message });
          throw e;
        }
      });
    }
    await boss.work<RematchJobData>(REMATCH_JOBS, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
      if (!job) return undefined;
      emit({ kind: 'started', job: job.id, reference: `re-match against ${job.data.build}` });
      const run = await rematch(store.db, options.vulnDbPath, job.data.build, alerter, warn);
      if (run) await verdicts.evaluateAll('rematch');
      emit({ kind: 'finished', job: job.id, reference: `re-match against ${job.data.build}`, message: run ? `${run.rematched} images re-matched` : 'already done' });
      return run ?? { skipped: true };
    });
    const running = boss;
    let stopping: Promise<void> | undefined;
    return {
      stop: () =>
        (stopping ??= (async () => {
          await running.stop({ graceful: true, wait: true, timeout: 30_000 }).catch(() => undefined);
          await verdicts.stop().catch(() => undefined);
          await Promise.race([alerter.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
          await store.close();
        })()),
    };
  } catch (e) {
    await boss?.stop({ graceful: false, wait: false }).catch(() => undefined);
    await store.close();
    throw e;
  }
}

/** Runs one re-match unless the database build it is for was already matched (a retried job). */
async function rematch(db: Awaited<ReturnType<typeof openStore>>['db'], vulnDbPath: string, build: string, alerter: Alerter, warn: (m: string) => void): Promise<RematchRun | undefined> {
  const done = await db.selectFrom('settings').select('value').where('key', '=', REMATCH_STAMP_KEY).executeTakeFirst();
  if (done?.value === build) return undefined;
  const rematcher = new Rematcher({
    db,
    vulnDbPath,
    watchSeconds: 3600,
    onNewVulnerabilities: (found) => void alerter.newVulnerabilities(found, found.findings).catch((e: unknown) => warn(`could not store an alert: ${(e as Error).message}`)),
    onWarning: (message) => warn(message),
  });
  return rematcher.runNow('database');
}
