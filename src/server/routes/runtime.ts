/**
 * Routes: runtime agents: hosts, containers, events, profile modes.
 *
 * Agents (`bulkhead agent --server URL --token T`) authenticate with a token of a user with the
 * operator role: create one user and token per agent (POST /api/v1/users {role: "operator"}, then
 * POST /api/v1/users/NAME/tokens), so a leaked token is revoked for one host only. Agent endpoints
 * need `operate`; reading hosts, containers, events and profile modes needs `read` (auditors too);
 * changing a profile's mode needs `operate` and is audited.
 */
import type { RouteModule } from '../context.js';
import {
  acknowledgeProfileModes,
  commandsAckBody,
  eventBatchBody,
  ingestEvents,
  inventoryBody,
  listContainersWithImages,
  listHosts,
  listProfileModes,
  pendingProfileModes,
  profileModeBody,
  queryEvents,
  replaceContainers,
  setProfileMode,
} from '../runtime/index.js';
import { BadRequest, parseBody } from './body.js';

const docs = (summary: string) => ({ schema: { tags: ['runtime'], summary } });

function isoTime(field: string, text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new BadRequest(`${field}: not a time (expected ISO 8601, e.g. 2024-05-01T12:00:00Z)`);
  return new Date(ms).toISOString();
}

function count(field: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/u.test(text)) throw new BadRequest(`${field}: expected a whole number`);
  return Number(text);
}

export const runtimeRoutes: RouteModule = async (app, ctx) => {
  const { db } = ctx.store;

  // agents
  app.post('/api/v1/agent/events', { config: { permission: 'operate' }, ...docs('Agent: store a batch of runtime events (idempotent per host and sequence number)') }, async (request) => {
    const batch = parseBody(eventBatchBody, request.body);
    return ingestEvents(db, batch);
  });
  app.post('/api/v1/agent/inventory', { config: { permission: 'operate' }, ...docs("Agent: replace the host's container inventory") }, async (request) => {
    const report = parseBody(inventoryBody, request.body);
    return { containers: await replaceContainers(db, report) };
  });
  app.get<{ Querystring: { host?: string } }>('/api/v1/agent/commands', { config: { permission: 'operate' }, ...docs('Agent: profile modes this host has not applied yet') }, async (request) => {
    const host = request.query.host;
    if (!host) throw new BadRequest('host: the agent host id is required');
    const known = await db.selectFrom('hosts').select('id').where('id', '=', host).executeTakeFirst();
    if (known) await db.updateTable('hosts').set({ last_seen: new Date().toISOString() }).where('id', '=', host).execute();
    return { profileModes: await pendingProfileModes(db, host) };
  });
  app.post('/api/v1/agent/commands/ack', { config: { permission: 'operate' }, ...docs('Agent: acknowledge applied profile modes') }, async (request) => {
    const ack = parseBody(commandsAckBody, request.body);
    return { acknowledged: await acknowledgeProfileModes(db, ack.host, ack.applied) };
  });

  // reading
  app.get('/api/v1/hosts', { config: { permission: 'read' }, ...docs('Hosts running an agent') }, async () => listHosts(db));
  app.get<{ Querystring: { host?: string; image?: string } }>('/api/v1/containers', { config: { permission: 'read' }, ...docs("Running containers with their image's scan and signature status") }, async (request) =>
    listContainersWithImages(db, { ...(request.query.host ? { host: request.query.host } : {}), ...(request.query.image ? { image: request.query.image } : {}) }),
  );
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/v1/runtime/events', { config: { permission: 'read' }, ...docs('Runtime events (filters: host, container, type, since, until; paging: limit, cursor, order)') }, async (request) => {
    const q = request.query;
    if (q['order'] !== undefined && q['order'] !== 'asc' && q['order'] !== 'desc') throw new BadRequest('order: asc or desc');
    const since = isoTime('since', q['since']);
    const until = isoTime('until', q['until']);
    const cursor = count('cursor', q['cursor']);
    const limit = count('limit', q['limit']);
    return queryEvents(db, {
      ...(q['host'] ? { host: q['host'] } : {}),
      ...(q['container'] ? { container: q['container'] } : {}),
      ...(q['type'] ? { type: q['type'] } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(q['order'] ? { order: q['order'] as 'asc' | 'desc' } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
  });

  // profile modes
  app.get('/api/v1/profiles', { config: { permission: 'read' }, ...docs('Profile modes chosen on the server and the hosts that applied them') }, async () => listProfileModes(db));
  app.put<{ Params: { image: string } }>('/api/v1/profiles/:image/mode', { config: { permission: 'operate' }, ...docs("Change a behaviour profile's mode (learn, monitor, protect) on every agent") }, async (request) => {
    const image = request.params.image;
    if (image.length === 0 || image.length > 1024 || /[\s\u0000-\u001f]/u.test(image)) throw new BadRequest('image: an image name (URL-encoded) without spaces or control characters');
    const { mode } = parseBody(profileModeBody, request.body);
    const actor = request.principal!.name;
    const saved = await setProfileMode(db, image, mode, actor);
    await ctx.audit({ actor, action: 'profile.mode', target: `profile ${image}`, details: { mode } });
    return saved;
  });
};
