/**
 * `bulkhead worker`: runs scan and re-match jobs from the PostgreSQL queue that `bulkhead server`
 * replicas fill (docs/scale-out.md), in the foreground until SIGTERM (jobs in hand finish first).
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { BulkheadError } from '../errors.js';
import type { CliContext } from './context.js';
import { serverStateDir } from './server.js';

interface WorkerFlags {
  database: string;
  db?: string;
  concurrency: string;
  stateDir?: string;
  keyFile?: string;
  jobTimeout: string;
  maintenance: string;
  retries: string;
  webhook?: string[];
  slack?: string[];
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new BulkheadError('USAGE', `${flag} "${value}": expected a whole number of at least ${min}`);
  return n;
}

export function workerCommand(ctx: CliContext): Command {
  return new Command('worker')
    .summary('run scan and re-match jobs from the server\'s PostgreSQL queue (scale-out)')
    .description(
      'Claims jobs the server replicas queue in PostgreSQL, scans with the shared layer cache, stores\n' +
        'each scan once, and judges the image as the server would. The server key (to read registry\n' +
        'credentials and key the audit chain) comes from $BULKHEAD_SERVER_KEY, --key-file, or\n' +
        'STATE_DIR/server.key. A job whose worker died is retried after --job-timeout seconds.',
    )
    .requiredOption('--database <url>', 'postgres://user:pass@host/db: the server database holding the queue')
    .option('--db <file>', 'vulnerability database to match with (default: the cache\'s vuln.db)')
    .option('--concurrency <n>', 'scans at a time', '1')
    .option('--state-dir <dir>', 'server state folder (policy key paths, server.key)')
    .option('--key-file <file>', 'the server key file shared with the replicas')
    .option('--job-timeout <seconds>', 'a job active this long is taken as lost and retried', '900')
    .option('--maintenance <seconds>', 'how often lost jobs are looked for', '30')
    .option('--retries <n>', 'attempts after the first before a job fails', '5')
    .option('--webhook <url...>', 'POST alerts as JSON to these URLs')
    .option('--slack <url...>', 'POST alerts to these Slack-compatible incoming webhooks')
    .action(async (flags: WorkerFlags) => {
      if (!/^postgres(ql)?:\/\//u.test(flags.database)) throw new BulkheadError('USAGE', '--database: workers share a PostgreSQL database (postgres://...)');
      const { startWorker } = await import('../server/worker/index.js');
      const { loadMasterKey } = await import('../server/secret-key.js');
      const { defaultDbPath } = await import('../vuln/index.js');
      const state = serverStateDir(flags.stateDir);
      const masterKey = loadMasterKey(flags.keyFile ?? join(state, 'server.key'), { create: false });
      const reporter = ctx.reporter();
      const worker = await startWorker({
        databaseUrl: flags.database,
        vulnDbPath: flags.db ?? defaultDbPath(),
        masterKey,
        stateDir: state,
        concurrency: wholeNumber('--concurrency', flags.concurrency, 1),
        jobTimeoutSeconds: wholeNumber('--job-timeout', flags.jobTimeout, 1),
        maintenanceSeconds: wholeNumber('--maintenance', flags.maintenance, 1),
        retryLimit: wholeNumber('--retries', flags.retries, 0),
        alerts: { webhooks: flags.webhook ?? [], slack: flags.slack ?? [] },
        onEvent: (e) => reporter.warn(`job ${e.kind}${e.job ? ` ${e.job}` : ''}${e.reference ? ` ${e.reference}` : ''}${e.message ? `: ${e.message}` : ''}`),
      });
      reporter.warn(`worker ready (pid ${process.pid}); SIGTERM stops it`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await worker.stop();
      reporter.stop();
    });
}
