/** Liveness (/healthz: the process answers) and readiness (/readyz: the database answers). */
import { sql } from 'kysely';
import type { RouteModule } from '../context.js';

export const healthRoutes: RouteModule = async (app, ctx) => {
  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { permission: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { status: 'ready', database: ctx.store.dialect };
    } catch (e) {
      return reply.code(503).send({ status: 'not ready', reason: `database: ${(e as Error).message}` });
    }
  });
};
