/**
 * Logging in and managing who may: POST /api/v1/login (name + password → a 12-hour token, rate
 * limited per address and name), users and tokens (admin only), GET /api/v1/me.
 */
import { z } from 'zod';
import { ROLES, type Role } from '../../store/index.js';
import { createToken } from '../auth/tokens.js';
import { checkPassword, createUser } from '../auth/users.js';
import type { RouteModule } from '../context.js';
import { parseBody } from './body.js';

const loginBody = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const userBody = z.strictObject({
  name: z.string().min(1).max(64),
  role: z.enum(ROLES as [Role, ...Role[]]),
  password: z.string().min(12).max(1024).optional(),
});
const tokenBody = z.strictObject({ name: z.string().min(1).max(100), expiresInDays: z.number().int().positive().max(3650).optional() });

export const authRoutes: RouteModule = async (app, ctx) => {
  const { db } = ctx.store;
  await app.register(async (scope) => {
    await scope.register((await import('@fastify/rate-limit')).default, {
      max: 5,
      timeWindow: 60_000,
      // preHandler, not the default onRequest: the key needs the parsed body's name
      hook: 'preHandler',
      keyGenerator: (request) => `${request.ip}\u0000${(request.body as { name?: unknown } | undefined)?.name ?? ''}`,
      errorResponseBuilder: (_request, context) => ({ statusCode: 429, error: 'too many login attempts', message: `try again in ${Math.ceil(context.ttl / 1000)} s` }),
    });
    scope.post('/api/v1/login', { config: { permission: 'public' } }, async (request, reply) => {
      const body = parseBody(loginBody, request.body);
      const user = await checkPassword(db, body.name, body.password);
      if (!user) {
        await ctx.audit({ actor: body.name, action: 'auth.login', target: body.name, outcome: 'denied', details: { address: request.ip } });
        return reply.code(401).send({ error: 'unauthorized', message: 'wrong name or password' });
      }
      const { token } = await createToken(db, user.id, 'login', { expiresAt: new Date(Date.now() + 12 * 3_600_000) });
      await ctx.audit({ actor: user.name, action: 'auth.login', target: user.name, details: { address: request.ip } });
      return { token, user: { name: user.name, role: user.role }, expiresInSeconds: 12 * 3600 };
    });
  });

  app.get('/api/v1/me', { config: { permission: 'read' } }, async (request) => ({ name: request.principal!.name, role: request.principal!.role }));

  app.get('/api/v1/users', { config: { permission: 'administer' } }, async () =>
    db.selectFrom('users').select(['id', 'name', 'role', 'created_at', 'disabled']).orderBy('name').execute(),
  );
  app.post('/api/v1/users', { config: { permission: 'administer' } }, async (request, reply) => {
    const body = parseBody(userBody, request.body);
    const user = await createUser(db, body.name, body.role, body.password);
    await ctx.audit({ actor: request.principal!.name, action: 'user.create', target: user.name, details: { role: user.role, password: body.password ? 'set' : 'none' } });
    return reply.code(201).send({ id: user.id, name: user.name, role: user.role });
  });
  app.delete<{ Params: { name: string } }>('/api/v1/users/:name', { config: { permission: 'administer' } }, async (request, reply) => {
    const user = await db.selectFrom('users').select(['id', 'name']).where('name', '=', request.params.name).executeTakeFirst();
    if (!user) return reply.code(404).send({ error: 'not found', message: `no user ${request.params.name}` });
    if (user.id === request.principal!.userId) return reply.code(409).send({ error: 'conflict', message: 'you cannot remove yourself' });
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute();
    await db.deleteFrom('tokens').where('user_id', '=', user.id).execute();
    ctx.tokens.clear();
    await ctx.audit({ actor: request.principal!.name, action: 'user.disable', target: user.name });
    return reply.code(204).send();
  });
  app.post<{ Params: { name: string } }>('/api/v1/users/:name/tokens', { config: { permission: 'administer' } }, async (request, reply) => {
    const body = parseBody(tokenBody, request.body);
    const user = await db.selectFrom('users').select(['id', 'name', 'disabled']).where('name', '=', request.params.name).executeTakeFirst();
    if (!user || user.disabled) return reply.code(404).send({ error: 'not found', message: `no user ${request.params.name}` });
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
    const { id, token } = await createToken(db, user.id, body.name, expiresAt ? { expiresAt } : {});
    await ctx.audit({ actor: request.principal!.name, action: 'token.create', target: user.name, details: { tokenId: id, name: body.name } });
    return reply.code(201).send({ id, token, user: user.name });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', { config: { permission: 'administer' } }, async (request, reply) => {
    const removed = await db.deleteFrom('tokens').where('id', '=', request.params.id).executeTakeFirst();
    if (!Number(removed.numDeletedRows)) return reply.code(404).send({ error: 'not found', message: `no token ${request.params.id}` });
    ctx.tokens.clear();
    await ctx.audit({ actor: request.principal!.name, action: 'token.revoke', target: request.params.id });
    return reply.code(204).send();
  });
};
