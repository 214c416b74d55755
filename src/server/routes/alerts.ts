/**
 * Routes: alerts (list with paging and a kind filter, one alert, a test alert to every channel) and
 * the re-match after a vulnerability database update (status, run now). This module also starts the
 * two services behind them and shares them as `alerter` and `rematcher`: the re-matcher watches
 * the database file when background services run, and raises a new-vulnerability alert per image.
 */
import { z } from 'zod';
import { Alerter, alertFromRow, testAlert } from '../alerts/index.js';
import type { RouteModule } from '../context.js';
import { Rematcher } from '../rematch/index.js';
import { parseBody } from './body.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  kind: z.string().min(1).max(64).optional(),
  image: z.string().min(1).max(200).optional(),
});

export const alertRoutes: RouteModule = async (app, ctx) => {
  const { db } = ctx.store;
  const alerter = new Alerter({ db, targets: ctx.config.alerts, onWarning: (m) => ctx.log.warn(m) });
  const rematcher = new Rematcher({
    db,
    vulnDbPath: ctx.config.vulnDbPath,
    watchSeconds: ctx.config.dbWatchSeconds,
    onNewVulnerabilities: (found) =>
      void alerter.newVulnerabilities(found, found.findings).catch((e: unknown) => ctx.log.error({ err: e, image: found.digest }, 'could not store an alert')),
    onWarning: (message, error) => ctx.log.warn({ err: error }, message),
  });
  ctx.services.set('alerter', alerter);
  ctx.services.set('rematcher', rematcher);
  // with external workers the leader replica watches the database and queues the re-match instead (scale-out/)
  if (ctx.config.background && !ctx.config.scaleOut) rematcher.start();
  ctx.onClose(async () => {
    await rematcher.stop();
    // deliveries in flight get a short grace period, then shutdown goes on
    await Promise.race([alerter.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
  });

  app.get('/api/v1/alerts', { config: { permission: 'read' } }, async (request) => {
    const q = parseBody(listQuery, request.query);
    let query = db.selectFrom('alerts');
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.image) query = query.where('image_digest', '=', q.image);
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy('time', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
    ]);
    return { alerts: rows.map(alertFromRow), total: Number(total?.n ?? 0), limit: q.limit, offset: q.offset };
  });

  app.get<{ Params: { id: string } }>('/api/v1/alerts/:id', { config: { permission: 'read' } }, async (request, reply) => {
    const row = await db.selectFrom('alerts').selectAll().where('id', '=', request.params.id).executeTakeFirst();
    if (!row) return reply.code(404).send({ error: 'not found', message: `no alert ${request.params.id}` });
    return alertFromRow(row);
  });

  app.post('/api/v1/alerts/test', { config: { permission: 'operate' } }, async (request, reply) => {
    const actor = request.principal!.name;
    const alert = await alerter.raise(testAlert(actor));
    await ctx.audit({ actor, action: 'alert.test', target: `alert ${alert.id}`, details: { channels: alerter.channelLabels() } });
    return reply.code(202).send({ id: alert.id, channels: alerter.channelLabels() });
  });

  app.get('/api/v1/rematch', { config: { permission: 'read' } }, async () => rematcher.status());

  app.post('/api/v1/rematch', { config: { permission: 'operate' } }, async (request) => {
    const actor = request.principal!.name;
    await ctx.audit({ actor, action: 'rematch.run', target: `vulnerability database ${ctx.config.vulnDbPath}`, details: {} });
    return rematcher.runNow('manual');
  });
};
