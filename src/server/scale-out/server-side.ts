/**
 * A server replica in PostgreSQL mode with external workers: it sends jobs (scans, re-matches) to
 * the queue and, while it holds the leader lock, polls registries and watches the vulnerability
 * database. Every other request is served from the shared database, so replicas need no balancer
 * affinity; they share the server key through BULKHEAD_SERVER_KEY or one key file (docs/scale-out.md).
 */
import type PgBoss from 'pg-boss';
import type { ServerContext } from '../context.js';
import { startBoss } from './boss.js';
import { LeaderLock } from './leader.js';
import { RematchTrigger } from './rematch-trigger.js';

export interface ReplicaServices {
  boss: () => Promise<PgBoss>;
  /** Whether this replica runs the periodic duties now (false without background services). */
  isLeader(): boolean;
  /** Called each time this replica becomes the leader, and every watch interval while it leads. */
  whileLeading: Array<() => void>;
}

export function replicaServices(ctx: ServerContext, scaleOut: NonNullable<ServerContext['config']['scaleOut']>): ReplicaServices {
  let opened: Promise<PgBoss> | undefined;
  const boss = (): Promise<PgBoss> =>
    (opened ??= startBoss(scaleOut.databaseUrl, { supervise: false, max: 2 }).catch((e: unknown) => {
      opened = undefined;
      throw e;
    }));
  ctx.onClose(async () => {
    if (opened) await (await opened.catch(() => undefined))?.stop({ graceful: false, wait: true }).catch(() => undefined);
  });
  const services: ReplicaServices = { boss, isLeader: () => false, whileLeading: [] };
  if (!ctx.config.background) return services;

  const trigger = new RematchTrigger({ db: ctx.store.db, vulnDbPath: ctx.config.vulnDbPath, boss });
  const duties = (): void => {
    for (const fn of services.whileLeading) fn();
    void trigger
      .check()
      .then((build) => build && ctx.log.info({ build }, 'queued a re-match for a new vulnerability database build'))
      .catch((e: unknown) => ctx.log.warn({ error: (e as Error).message }, 're-match check failed'));
  };
  const leader = new LeaderLock({
    databaseUrl: scaleOut.databaseUrl,
    retrySeconds: scaleOut.leaderRetrySeconds,
    onElected: () => {
      ctx.log.info('this replica now runs registry polling and the database watch');
      duties();
    },
    onWarning: (message) => ctx.log.warn(message),
  });
  services.isLeader = () => leader.isLeader;
  leader.start();
  const timer = setInterval(() => leader.isLeader && duties(), ctx.config.dbWatchSeconds * 1000);
  timer.unref();
  ctx.onClose(async () => {
    clearInterval(timer);
    await leader.stop();
  });
  return services;
}
