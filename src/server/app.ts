/**
 * The Bulkhead server: one Fastify app with the API under /api/v1, the OpenAPI description at
 * /api/openapi.json, health (/healthz) and readiness (/readyz) probes, and the dashboard at /.
 * Every API route is authenticated (Bearer token) and authorised by role before its handler runs;
 * a refusal of a change is itself written to the audit log.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { appendAudit, type AuditEntry } from './audit.js';
import { allowed } from './auth/roles.js';
import { TokenVerifier } from './auth/tokens.js';
import type { RouteModule, ServerConfig, ServerContext } from './context.js';
import { deriveKeys } from './secret-key.js';
import { ROUTE_MODULES } from './routes/index.js';

export interface BuildOptions {
  store: Store;
  masterKey: Buffer;
  config: ServerConfig;
  /** pino options for Fastify's logger, or false for none (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Extra route modules (tests). */
  extraRoutes?: RouteModule[];
}

export interface BulkheadServer {
  app: FastifyInstance;
  ctx: ServerContext;
}

/** Headers that carry secrets: never logged. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-registry-auth"]'];

export async function buildServer(options: BuildOptions): Promise<BulkheadServer> {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : { level: 'info', redact: { paths: REDACT, censor: '[redacted]' }, ...(typeof options.logger === 'object' ? options.logger : {}) },
    bodyLimit: 64 * 1024 * 1024,
    trustProxy: false,
  });
  const keys = deriveKeys(options.masterKey);
  const closers: Array<() => Promise<void>> = [];
  const ctx: ServerContext = {
    store: options.store,
    keys,
    tokens: new TokenVerifier(options.store.db),
    config: options.config,
    log: app.log,
    audit: async (entry: AuditEntry) => {
      try {
        await appendAudit(options.store.db, keys.audit, entry);
      } catch (e) {
        app.log.error({ err: e, action: entry.action }, 'audit log append failed');
        throw e;
      }
    },
    onClose: (stop) => void closers.push(stop),
    services: new Map(),
  };

  await app.register((await import('@fastify/helmet')).default, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"] } },
  });
  await app.register((await import('@fastify/swagger')).default, {
    openapi: {
      info: { title: 'Bulkhead server API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // authentication and authorisation, before any handler
  app.addHook('preHandler', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public' || request.routeOptions.url === undefined) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = token ? await ctx.tokens.verify(token) : undefined;
    if (!principal) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid API token is required (Authorization: Bearer ...)' });
      return reply;
    }
    request.principal = principal;
    const needed = permission ?? 'administer';
    if (!allowed(principal.role, needed)) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        await ctx.audit({ actor: principal.name, action: 'auth.denied', target: `${request.method} ${request.routeOptions.url}`, details: { role: principal.role, needed }, outcome: 'denied' });
      }
      await reply.code(403).send({ error: 'forbidden', message: `role ${principal.role} may not ${needed === 'read' ? 'read this' : needed === 'operate' ? 'change this' : 'administer the server'}` });
      return reply;
    }
  });

  app.setErrorHandler(async (error: { statusCode?: number; code?: string; message: string; validation?: unknown }, request, reply) => {
    // a BulkheadError's code says what kind of problem it is; everything else unexpected is a 500
    const byCode: Record<string, number> = { INPUT_INVALID: 400, USAGE: 400, REFERENCE_INVALID: 400, INPUT_NOT_FOUND: 404, REGISTRY_NOT_FOUND: 404, REGISTRY_UNAUTHORIZED: 502, NETWORK_ERROR: 502 };
    const status = error.statusCode ?? (error.code ? byCode[error.code] : undefined) ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    await reply.code(status).send({ error: status >= 500 ? 'internal error' : 'bad request', message: status >= 500 ? 'the server could not complete the request (see its log)' : error.message });
  });

  for (const module of [...ROUTE_MODULES, ...(options.extraRoutes ?? [])]) await module(app, ctx);

  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.addHook('onClose', async () => {
    for (const stop of closers.reverse()) {
      try {
        await stop();
      } catch (e) {
        app.log.warn({ err: e }, 'background service did not stop cleanly');
      }
    }
  });
  return { app, ctx };
}
