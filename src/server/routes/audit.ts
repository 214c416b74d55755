/** The audit log, read-only over the API (auditors and admins), and its verification. */
import { verifyAudit } from '../audit.js';
import type { RouteModule } from '../context.js';

export const auditRoutes: RouteModule = async (app, ctx) => {
  app.get<{ Querystring: { after?: string; limit?: string } }>('/api/v1/audit', { config: { permission: 'read' } }, async (request) => {
    const after = Number(request.query.after ?? 0) || 0;
    const limit = Math.min(Number(request.query.limit ?? 200) || 200, 1000);
    return ctx.store.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
  });
  app.get('/api/v1/audit/verify', { config: { permission: 'read' } }, async () => verifyAudit(ctx.store.db, ctx.keys.audit));
};
