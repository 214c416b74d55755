/**
 * Registries (configured with credentials encrypted at rest), polling on demand, the scan queue's
 * state, and the receiver of registry push notifications. Reading is for every role; changes need
 * `operate` and are audited without secrets; no answer ever carries a secret, only `hasSecret`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Registry } from '../../store/index.js';
import { envelopeSchema, manifestPushes, NOTIFICATION_MEDIA_TYPE, registryAccess, registryServices, repositoryMatcher } from '../registry/index.js';
import type { RouteModule } from '../context.js';
import { encryptSecret } from '../secret-key.js';
import { BadRequest, parseBody } from './body.js';

const url = z
  .string()
  .url()
  .refine((u) => /^https?:$/u.test(new URL(u).protocol) && new URL(u).pathname.replace(/\/$/u, '') === '', 'an http(s) base URL such as https://registry.example.com');
const glob = z.string().min(1).max(200).regex(/^[A-Za-z0-9._\-/*?]+$/u, 'repository globs use letters, digits, . _ - / * ?');
const createBody = z.strictObject({
  name: z.string().min(1).max(100),
  url,
  username: z.string().min(1).max(200).optional(),
  password: z.string().min(1).max(10_000).optional(),
  repositories: z.array(glob).max(100).default([]),
  pollSeconds: z.number().int().min(1).max(7 * 86_400).default(300),
});
const patchBody = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  url: url.optional(),
  username: z.string().min(1).max(200).nullable().optional(),
  password: z.string().min(1).max(10_000).nullable().optional(),
  repositories: z.array(glob).max(100).optional(),
  pollSeconds: z.number().int().min(1).max(7 * 86_400).optional(),
});

function publicView(row: Registry) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    username: row.username,
    hasSecret: row.secret_enc !== null,
    repositories: JSON.parse(row.repositories) as string[],
    pollSeconds: row.poll_seconds,
    createdAt: row.created_at,
    lastPolledAt: row.last_polled_at,
    lastError: row.last_error,
  };
}

export const registryRoutes: RouteModule = async (app, ctx) => {
  const { db } = ctx.store;
  const { queue, monitor } = registryServices(ctx);
  const find = (id: string) => db.selectFrom('registries').selectAll().where('id', '=', id).executeTakeFirst();
  const notFound = (id: string) => ({ error: 'not found', message: `no registry ${id}` });

  app.get('/api/v1/registries', { config: { permission: 'read' } }, async () => (await db.selectFrom('registries').selectAll().orderBy('name').execute()).map(publicView));
  app.get<{ Params: { id: string } }>('/api/v1/registries/:id', { config: { permission: 'read' } }, async (request, reply) => {
    const row = await find(request.params.id);
    return row ? publicView(row) : reply.code(404).send(notFound(request.params.id));
  });

  app.post('/api/v1/registries', { config: { permission: 'operate' } }, async (request, reply) => {
    const body = parseBody(createBody, request.body);
    if (body.password && !body.username) throw new BadRequest('password: needs a username');
    const row: Registry = {
      id: randomUUID(),
      name: body.name,
      url: body.url.replace(/\/$/u, ''),
      username: body.username ?? null,
      secret_enc: body.password ? encryptSecret(ctx.keys.encryption, body.password) : null,
      repositories: JSON.stringify(body.repositories),
      poll_seconds: body.pollSeconds,
      created_at: new Date().toISOString(),
      last_polled_at: null,
      last_error: null,
    };
    await db.insertInto('registries').values(row).execute();
    await ctx.audit({ actor: request.principal!.name, action: 'registry.create', target: row.name, details: { id: row.id, url: row.url, username: row.username, credentials: row.secret_enc ? 'set' : 'none', repositories: body.repositories, pollSeconds: row.poll_seconds } });
    if (ctx.config.background) monitor.reschedule(row.id);
    return reply.code(201).send(publicView(row));
  });

  app.patch<{ Params: { id: string } }>('/api/v1/registries/:id', { config: { permission: 'operate' } }, async (request, reply) => {
    const body = parseBody(patchBody, request.body);
    const row = await find(request.params.id);
    if (!row) return reply.code(404).send(notFound(request.params.id));
    const update: Partial<Registry> = {};
    if (body.name !== undefined) update.name = body.name;
    if (body.url !== undefined) update.url = body.url.replace(/\/$/u, '');
    if (body.username !== undefined) update.username = body.username;
    if (body.password !== undefined) update.secret_enc = body.password === null ? null : encryptSecret(ctx.keys.encryption, body.password);
    if (body.username === null) update.secret_enc = null;
    if (body.repositories !== undefined) update.repositories = JSON.stringify(body.repositories);
    if (body.pollSeconds !== undefined) update.poll_seconds = body.pollSeconds;
    if (Object.keys(update).length) await db.updateTable('registries').set(update).where('id', '=', row.id).execute();
    const changed = Object.keys(body).map((k) => (k === 'password' ? 'credentials' : k));
    await ctx.audit({ actor: request.principal!.name, action: 'registry.update', target: row.name, details: { id: row.id, changed, ...(body.url ? { url: body.url } : {}), ...(body.repositories ? { repositories: body.repositories } : {}), ...(body.pollSeconds ? { pollSeconds: body.pollSeconds } : {}) } });
    if (ctx.config.background) monitor.reschedule(row.id);
    return publicView((await find(row.id))!);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/registries/:id', { config: { permission: 'operate' } }, async (request, reply) => {
    const row = await find(request.params.id);
    if (!row) return reply.code(404).send(notFound(request.params.id));
    await db.deleteFrom('registries').where('id', '=', row.id).execute();
    monitor.forget(row.id);
    await ctx.audit({ actor: request.principal!.name, action: 'registry.delete', target: row.name, details: { id: row.id, url: row.url } });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/v1/registries/:id/poll', { config: { permission: 'operate' } }, async (request, reply) => {
    const row = await find(request.params.id);
    if (!row) return reply.code(404).send(notFound(request.params.id));
    try {
      const outcome = await monitor.poll(row.id);
      return { ...outcome, queue: await queue.stats() };
    } catch (e) {
      return reply.code(502).send({ error: 'registry error', message: e instanceof Error ? e.message : String(e) });
    }
  });

  app.get('/api/v1/scan-queue', { config: { permission: 'read' } }, async () => ({ stats: await queue.stats(), jobs: await queue.jobs() }));

  // Docker Distribution notifications (docs/notifications.md): the registry's endpoint config sends
  // a static `Authorization: Bearer <token>` header; an `operate` token is what it needs
  app.addContentTypeParser(NOTIFICATION_MEDIA_TYPE, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new BadRequest('body: not JSON'), undefined);
    }
  });
  app.post('/api/v1/registry/notifications', { config: { permission: 'operate' } }, async (request) => {
    const envelope = parseBody(envelopeSchema, request.body);
    const registries = await db.selectFrom('registries').select(['id', 'url', 'username', 'secret_enc', 'repositories']).execute();
    const sorted = manifestPushes(envelope, registries);
    let queued = 0;
    for (const push of sorted.pushes) {
      if (!repositoryMatcher(JSON.parse(push.registry.repositories) as string[])(push.repository)) continue;
      const access = registryAccess(push.registry, ctx.keys.encryption);
      await queue.enqueue({
        reference: `${access.host}/${push.repository}@${push.digest}`,
        repository: `${access.host}/${push.repository}`,
        tags: push.tags,
        digest: push.digest,
        registryId: push.registry.id,
        ...(access.insecure ? { insecure: true } : {}),
        ...(access.credentials ? { credentials: access.credentials } : {}),
      });
      queued++;
    }
    if (sorted.unknownRegistry) request.log.info({ events: sorted.unknownRegistry }, 'push notifications from a registry that is not configured');
    return { queued, ignored: sorted.ignored, unknownRegistry: sorted.unknownRegistry };
  });
};
