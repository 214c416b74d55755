/**
 * Policies (the one policy file, stored with every version) and their exceptions. Reading is for
 * every role; a new version or an exception needs `operate`; each change is audited with the
 * version it made. The body of PUT is the policy YAML itself (text/yaml or JSON {yaml}).
 */
import { randomUUID } from 'node:crypto';
import { stringify, parse } from 'yaml';
import { z } from 'zod';
import { parsePolicy, PolicyInvalidError } from '../../policy/index.js';
import type { RouteModule } from '../context.js';
import { BadRequest, parseBody } from './body.js';
import { verdictService } from '../verdict/index.js';

const exceptionBody = z.strictObject({
  images: z.array(z.string().min(1)).min(1),
  rules: z.array(z.string().min(1)).optional(),
  findings: z.array(z.string().min(1)).optional(),
  reason: z.string().min(1),
  owner: z.string().min(1),
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, 'a date YYYY-MM-DD'),
});

export const policyRoutes: RouteModule = async (app, ctx) => {
  const { db } = ctx.store;
  app.addContentTypeParser(['text/yaml', 'application/yaml', 'application/x-yaml'], { parseAs: 'string' }, (_request, body, done) => done(null, { yaml: body }));

  const active = (name: string) => db.selectFrom('policies').selectAll().where('name', '=', name).where('active', '=', 1).executeTakeFirst();

  const saveVersion = async (name: string, yaml: string, actor: string, action: string, details: Record<string, unknown>) => {
    try {
      parsePolicy(yaml, `policy ${name}`);
    } catch (e) {
      if (e instanceof PolicyInvalidError) throw new BadRequest(e.problems.join('; '));
      throw e;
    }
    const current = await active(name);
    const version = (current?.version ?? 0) + 1;
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('policies').set({ active: 0 }).where('name', '=', name).execute();
      await tx.insertInto('policies').values({ id: randomUUID(), name, version, yaml, created_at: new Date().toISOString(), created_by: actor, active: 1 }).execute();
    });
    await ctx.audit({ actor, action, target: `policy ${name}`, details: { ...details, version } });
    // every stored image is judged again by the new version, in the background
    void verdictService(ctx).evaluateAll('policy').catch((e: unknown) => ctx.log.warn({ err: e }, 'policy re-evaluation failed'));
    return { name, version };
  };

  app.get('/api/v1/policies', { config: { permission: 'read' } }, async () =>
    db.selectFrom('policies').select(['name', 'version', 'created_at', 'created_by']).where('active', '=', 1).orderBy('name').execute(),
  );
  app.get<{ Params: { name: string } }>('/api/v1/policies/:name', { config: { permission: 'read' } }, async (request, reply) => {
    const policy = await active(request.params.name);
    if (!policy) return reply.code(404).send({ error: 'not found', message: `no policy ${request.params.name}` });
    return { name: policy.name, version: policy.version, yaml: policy.yaml, created_at: policy.created_at, created_by: policy.created_by, policy: parsePolicy(policy.yaml, policy.name) };
  });
  app.get<{ Params: { name: string } }>('/api/v1/policies/:name/versions', { config: { permission: 'read' } }, async (request) =>
    db.selectFrom('policies').select(['version', 'created_at', 'created_by', 'active']).where('name', '=', request.params.name).orderBy('version', 'desc').execute(),
  );
  app.put<{ Params: { name: string } }>('/api/v1/policies/:name', { config: { permission: 'operate' } }, async (request, reply) => {
    const body = parseBody(z.object({ yaml: z.string().min(1).max(1024 * 1024) }), request.body);
    if (!/^[A-Za-z0-9._-]{1,64}$/u.test(request.params.name)) throw new BadRequest('policy name: letters, digits and . _ - only');
    const saved = await saveVersion(request.params.name, body.yaml, request.principal!.name, 'policy.update', {});
    return reply.code(200).send(saved);
  });
  app.post<{ Params: { name: string } }>('/api/v1/policies/:name/exceptions', { config: { permission: 'operate' } }, async (request, reply) => {
    const exception = parseBody(exceptionBody, request.body);
    const current = await active(request.params.name);
    if (!current) return reply.code(404).send({ error: 'not found', message: `no policy ${request.params.name}` });
    const document = (parse(current.yaml) ?? {}) as { exceptions?: unknown[] };
    document.exceptions = [...(document.exceptions ?? []), exception];
    const saved = await saveVersion(request.params.name, stringify(document), request.principal!.name, 'exception.add', { images: exception.images, owner: exception.owner, expires: exception.expires });
    return reply.code(201).send(saved);
  });
};
