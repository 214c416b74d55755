/**
 * `bulkhead server`: the platform server in the foreground until SIGTERM; `bulkhead audit verify`:
 * checks the audit log's hash chain.
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { BulkheadError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import type { CliContext } from './context.js';

interface ServerFlags {
  listen: string;
  database?: string;
  stateDir?: string;
  db?: string;
  webhook?: string[];
  slack?: string[];
  smtp?: string;
  smtpFrom?: string;
  smtpTo?: string[];
  dbWatch: string;
  background: boolean;
  cache: boolean;
  workers?: string;
  leaderRetry: string;
}

/** Default folder of the server's state: the key, the SQLite database, the first admin token. */
export function serverStateDir(flag?: string): string {
  return flag ?? (process.env['BULKHEAD_STATE_DIR'] ? join(process.env['BULKHEAD_STATE_DIR'], 'server') : '/var/lib/bulkhead/server');
}

export function serverCommand(ctx: CliContext): Command {
  return new Command('server')
    .summary('run the platform server: API, registry monitoring, re-matching, alerts, dashboard')
    .description(
      'Runs in the foreground until SIGTERM. The database is SQLite in the state folder by default\n' +
        '(nothing to set up), or PostgreSQL with --database postgres://... On first start, with no users,\n' +
        'an admin is created: its password comes from $BULKHEAD_ADMIN_PASSWORD when set, and an API token\n' +
        'is written to STATE_DIR/admin-token (mode 0600); nothing secret is printed or logged.',
    )
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
    .option('--database <url>', 'postgres://user:pass@host/db, or a SQLite file (default: STATE_DIR/server.db)')
    .option('--state-dir <dir>', 'state folder (default: $BULKHEAD_STATE_DIR/server or /var/lib/bulkhead/server)')
    .option('--db <file>', 'vulnerability database to match with (default: the cache\'s vuln.db)')
    .option('--webhook <url...>', 'POST alerts as JSON to these URLs')
    .option('--slack <url...>', 'POST alerts to these Slack-compatible incoming webhooks')
    .option('--smtp <url>', 'send alerts by email through smtp://HOST:PORT')
    .option('--smtp-from <address>', 'sender of alert emails')
    .option('--smtp-to <address...>', 'recipients of alert emails')
    .option('--db-watch <seconds>', 'how often to look for a new vulnerability database build', '10')
    .option('--no-background', 'serve the API only: no registry polling, scan worker or re-matching')
    .option('--no-cache', 'do not cache image layers between registry scans')
    .option('--workers <where>', 'internal: scan in this process; external: queue jobs for `bulkhead worker` (default: external with PostgreSQL, else internal)')
    .option('--leader-retry <seconds>', 'external workers: how often a replica tries to take over registry polling and the database watch', '5')
    .action(async (flags: ServerFlags) => {
      const { startServer } = await import('../server/index.js');
      const { defaultDbPath } = await import('../vuln/index.js');
      const state = serverStateDir(flags.stateDir);
      const watch = Number(flags.dbWatch);
      if (!Number.isInteger(watch) || watch < 1) throw new BulkheadError('USAGE', `--db-watch "${flags.dbWatch}": expected a whole number of seconds`);
      if (flags.smtp && (!flags.smtpFrom || !flags.smtpTo?.length)) throw new BulkheadError('USAGE', '--smtp needs --smtp-from and --smtp-to');
      const match = /^(\[[0-9a-f:]+\]|[^:]+):(\d{1,5})$/iu.exec(flags.listen);
      if (!match || Number(match[2]) > 65535) throw new BulkheadError('USAGE', `--listen "${flags.listen}": expected HOST:PORT`);
      const database = flags.database ?? join(state, 'server.db');
      const postgres = /^postgres(ql)?:\/\//u.test(database);
      const workers = flags.workers ?? (postgres ? 'external' : 'internal');
      if (workers !== 'internal' && workers !== 'external') throw new BulkheadError('USAGE', `--workers "${flags.workers}": expected internal or external`);
      if (workers === 'external' && !postgres) throw new BulkheadError('USAGE', '--workers external: the job queue lives in PostgreSQL; give --database postgres://...');
      const leaderRetry = Number(flags.leaderRetry);
      if (!Number.isInteger(leaderRetry) || leaderRetry < 1) throw new BulkheadError('USAGE', `--leader-retry "${flags.leaderRetry}": expected a whole number of seconds`);
      const reporter = ctx.reporter();
      const running = await startServer({
        host: match[1]!.replace(/^\[|\]$/gu, ''),
        port: Number(match[2]),
        database,
        config: {
          stateDir: state,
          vulnDbPath: flags.db ?? defaultDbPath(),
          cacheDir: flags.cache ? join(state, 'cache') : false,
          alerts: {
            webhooks: flags.webhook ?? [],
            slack: flags.slack ?? [],
            ...(flags.smtp ? { smtp: { url: flags.smtp, from: flags.smtpFrom!, to: flags.smtpTo! } } : {}),
          },
          dbWatchSeconds: watch,
          background: flags.background,
          ...(workers === 'external' ? { scaleOut: { databaseUrl: database, leaderRetrySeconds: leaderRetry } } : {}),
        },
        onNotice: (message) => reporter.warn(message),
      });
      reporter.warn(`listening on ${running.url} (database ${running.database}); SIGTERM stops it`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await running.stop();
      reporter.stop();
    });
}

export function auditCommand(ctx: CliContext): Command {
  const audit = new Command('audit').summary('the server\'s audit log');
  audit.addCommand(
    new Command('verify')
      .summary('check the audit log\'s hash chain: exit 1 at the first changed, missing or reordered row')
      .option('--database <url>', 'postgres://... or the SQLite file (default: STATE_DIR/server.db)')
      .option('--state-dir <dir>', 'server state folder, holding server.key (or set $BULKHEAD_SERVER_KEY)')
      .action(async (flags: { database?: string; stateDir?: string }) => {
        const { openStore } = await import('../store/index.js');
        const { verifyAudit } = await import('../server/audit.js');
        const { deriveKeys, loadMasterKey } = await import('../server/secret-key.js');
        const state = serverStateDir(flags.stateDir);
        const key = deriveKeys(loadMasterKey(join(state, 'server.key'), { create: false })).audit;
        const store = await openStore(flags.database ?? join(state, 'server.db'));
        try {
          const result = await verifyAudit(store.db, key);
          if (result.ok) process.stdout.write(`audit log intact: ${result.rows} rows verified\n`);
          else {
            process.stdout.write(`audit log BROKEN at row ${result.brokenAt}: ${result.reason} (${result.rows} rows read)\n`);
            ctx.setExitCode(EXIT.POLICY_VIOLATION);
          }
        } finally {
          await store.close();
        }
      })
      .exitOverride(),
  );
  return audit;
}
