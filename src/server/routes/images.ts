/**
 * Images and their scans: the inventory list with filters, one image's summary, layers, packages and
 * findings (read from the stored scan), its scan history, the estate summary the dashboard draws,
 * and CI uploads (`POST /api/v1/scans`, JSON, optionally gzip-encoded, checked against the
 * scan-result JSON schema the `json` report is described by).
 */
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { SEVERITIES } from '../../findings/types.js';
import type { Finding } from '../../findings/types.js';
import { loadScan, recordScan, repositoryOf } from '../inventory/index.js';
import { registryServices } from '../registry/index.js';
import type { RouteModule } from '../context.js';
import { BadRequest, parseBody } from './body.js';
import { validateScanUpload } from '../registry/upload-validation.js';
import { attachVerdicts, loadPolicyView } from '../verdict/index.js';
import type { ImageAnalysis } from '../../catalog/index.js';
import type { ScanResult } from '../../findings/scan-result.js';

/**
 * The image configuration facts a deploy gate's image rules read (policy `image.nonRootUser`,
 * `image.healthcheck`; src/policy/facts.ts reads them the same way from a scan): USER, the UID
 * etc/passwd maps it to when the stored analysis kept the accounts, and the HEALTHCHECK test.
 * Absent when the scan had no image configuration (an SBOM input): unknown, not "unset".
 */
function imageConfigFacts(result: ScanResult, analysis: ImageAnalysis | undefined): { user: string; uid?: number; healthcheck: string[] | null } | undefined {
  const config = result.image.config;
  if (!config || result.image.transport === 'sbom') return undefined;
  const user = config.config?.User ?? '';
  const name = user.split(':')[0] ?? '';
  const entry = name !== '' && !/^\d+$/u.test(name) ? analysis?.users?.find((u) => u.name === name) : undefined;
  return { user, ...(entry ? { uid: entry.uid } : {}), healthcheck: config.config?.Healthcheck?.Test ?? null };
}

const listQuery = z.object({
  repository: z.string().optional(),
  /** Worst severities to keep, comma-separated. */
  severity: z.string().optional(),
  fixable: z.enum(['true', 'false']).optional(),
  sort: z.enum(['last_scanned', 'repository', 'severity', 'first_seen']).default('last_scanned'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const findingQuery = z.object({
  severity: z.string().optional(),
  kind: z.string().optional(),
  fixable: z.enum(['true', 'false']).optional(),
  text: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});
const uploadBody = z.object({ result: z.unknown(), analysis: z.unknown().optional() });

const DAY = 86_400_000;

function csv(value: string | undefined, allowed: readonly string[], field: string): string[] | undefined {
  if (!value) return undefined;
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) if (!allowed.includes(p)) throw new BadRequest(`${field}: "${p}" is not one of ${allowed.join(', ')}`);
  return parts;
}

export const imageRoutes: RouteModule = async (app, ctx) => {
  const { db } = ctx.store;
  // policy and signature status after every stored scan and re-match (verdict/)
  attachVerdicts(app, ctx);
  const image = (digest: string) => db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirst();
  const notFound = (digest: string) => ({ error: 'not found', message: `no image ${digest}` });
  const view = (row: NonNullable<Awaited<ReturnType<typeof image>>>) => ({
    digest: row.digest,
    repository: row.repository,
    configDigest: row.config_digest,
    os: row.os,
    firstSeen: row.first_seen,
    lastScannedAt: row.last_scanned_at,
    scanId: row.scan_id,
    worstSeverity: row.worst_severity,
    counts: JSON.parse(row.counts) as Record<string, number>,
    signatureStatus: row.signature_status,
    policyStatus: row.policy_status,
  });

  app.get('/api/v1/images', { config: { permission: 'read' } }, async (request) => {
    const q = parseBody(listQuery, request.query);
    const severities = csv(q.severity, SEVERITIES, 'severity');
    let query = db.selectFrom('images').selectAll();
    if (q.repository) query = query.where('repository', '=', q.repository);
    if (severities) query = query.where('worst_severity', 'in', severities);
    if (q.fixable) {
      query = query.where(({ exists, selectFrom, not }) => {
        const sub = exists(
          selectFrom('findings')
            .select('findings.id')
            .whereRef('findings.scan_id', '=', 'images.scan_id')
            .where('findings.kind', '=', 'vulnerability')
            .where('findings.suppressed', '=', 0)
            .where('findings.fixed_version', 'is not', null),
        );
        return q.fixable === 'true' ? sub : not(sub);
      });
    }
    const total = Number((await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    if (q.sort === 'repository') query = query.orderBy('repository').orderBy('digest');
    else if (q.sort === 'first_seen') query = query.orderBy('first_seen', 'desc').orderBy('digest');
    else if (q.sort === 'severity') {
      query = query.orderBy((eb) => eb.case().when('worst_severity', '=', 'critical').then(0).when('worst_severity', '=', 'high').then(1).when('worst_severity', '=', 'medium').then(2).when('worst_severity', '=', 'low').then(3).when('worst_severity', '=', 'negligible').then(4).else(5).end()).orderBy('digest');
    } else query = query.orderBy('last_scanned_at', 'desc').orderBy('digest');
    const rows = await query.limit(q.limit).offset(q.offset).execute();
    const tags = rows.length ? await db.selectFrom('image_tags').selectAll().where('digest', 'in', rows.map((r) => r.digest)).execute() : [];
    return { total, items: rows.map((r) => ({ ...view(r), tags: tags.filter((t) => t.digest === r.digest).map((t) => `${t.repository}:${t.tag}`) })) };
  });

  const stored = async (digest: string) => {
    const row = await image(digest);
    if (!row?.scan_id) return undefined;
    const scan = await loadScan(db, row.scan_id);
    return scan ? { row, ...scan } : undefined;
  };

  app.get<{ Params: { digest: string } }>('/api/v1/images/:digest', { config: { permission: 'read' } }, async (request, reply) => {
    const found = await stored(request.params.digest);
    if (!found) return reply.code(404).send(notFound(request.params.digest));
    const tags = await db.selectFrom('image_tags').selectAll().where('digest', '=', found.row.digest).orderBy('updated_at', 'desc').execute();
    const { result } = found;
    const imageConfig = imageConfigFacts(result, found.analysis);
    return {
      ...view(found.row),
      reference: result.image.reference,
      tags: tags.map((t) => ({ repository: t.repository, tag: t.tag, updatedAt: t.updated_at })),
      platform: result.image.platform,
      created: result.image.created,
      layers: result.image.layers,
      summary: result.summary,
      packagesScanned: result.packagesScanned,
      db: result.db,
      warnings: result.warnings,
      ...(imageConfig ? { imageConfig } : {}),
      policy: await loadPolicyView(db, found.row),
    };
  });

  app.get<{ Params: { digest: string } }>('/api/v1/images/:digest/packages', { config: { permission: 'read' } }, async (request, reply) => {
    const found = await stored(request.params.digest);
    if (!found) return reply.code(404).send(notFound(request.params.digest));
    return { os: found.analysis?.os ?? found.result.os ?? null, packages: found.analysis?.packages ?? [] };
  });

  app.get<{ Params: { digest: string } }>('/api/v1/images/:digest/findings', { config: { permission: 'read' } }, async (request, reply) => {
    const q = parseBody(findingQuery, request.query);
    const severities = csv(q.severity, SEVERITIES, 'severity');
    const kinds = csv(q.kind, ['vulnerability', 'secret', 'malware', 'misconfiguration', 'runtime'], 'kind');
    const found = await stored(request.params.digest);
    if (!found) return reply.code(404).send(notFound(request.params.digest));
    const text = q.text?.toLowerCase();
    const keep = (f: Finding) =>
      (!severities || severities.includes(f.severity)) &&
      (!kinds || kinds.includes(f.kind)) &&
      (q.fixable === undefined || (f.kind === 'vulnerability' && !!f.vulnerability?.fixedVersion) === (q.fixable === 'true')) &&
      (!text || [f.id, f.title, f.target.package?.name, f.target.path, ...(f.vulnerability?.ids ?? [])].some((s) => s?.toLowerCase().includes(text)));
    const all = found.result.findings.filter(keep);
    return { total: all.length, items: all.slice(q.offset, q.offset + q.limit) };
  });

  app.get<{ Params: { digest: string } }>('/api/v1/images/:digest/scans', { config: { permission: 'read' } }, async (request, reply) => {
    if (!(await image(request.params.digest))) return reply.code(404).send(notFound(request.params.digest));
    const rows = await db.selectFrom('scans').select(['id', 'created_at', 'source', 'db_built', 'summary']).where('image_digest', '=', request.params.digest).orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, source: r.source, dbBuilt: r.db_built, summary: JSON.parse(r.summary) as Record<string, number> }));
  });

  app.get('/api/v1/summary', { config: { permission: 'read' } }, async () => {
    const images = await db.selectFrom('images').select(['digest', 'worst_severity', 'counts']).execute();
    const byWorst: Record<string, number> = Object.fromEntries([...SEVERITIES, 'none'].map((s) => [s, 0]));
    let fixableFindings = 0;
    let fixableImages = 0;
    for (const row of images) {
      byWorst[row.worst_severity ?? 'none'] = (byWorst[row.worst_severity ?? 'none'] ?? 0) + 1;
      const fixable = (JSON.parse(row.counts) as Record<string, number>)['fixable'] ?? 0;
      fixableFindings += fixable;
      if (fixable > 0) fixableImages++;
    }
    return { images: images.length, byWorstSeverity: byWorst, fixable: { findings: fixableFindings, images: fixableImages }, trend: await trend() };
  });

  /**
   * The estate's findings per day over the last 30 days: for each day, every image counts with its
   * latest scan at the end of that day (so a day without scans repeats the day before).
   */
  const trend = async (now = new Date()) => {
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY;
    const start = end - 30 * DAY;
    const rows = await db.selectFrom('scans').select(['image_digest', 'created_at', 'summary']).where('created_at', '<', new Date(end).toISOString()).orderBy('created_at').execute();
    const latest = new Map<string, Record<string, number>>();
    const series: Array<Record<string, number | string>> = [];
    let i = 0;
    for (let day = start; day < end; day += DAY) {
      const dayEnd = new Date(day + DAY).toISOString();
      let scans = 0;
      for (; i < rows.length && rows[i]!.created_at < dayEnd; i++) {
        latest.set(rows[i]!.image_digest, JSON.parse(rows[i]!.summary) as Record<string, number>);
        if (rows[i]!.created_at >= new Date(day).toISOString()) scans++;
      }
      const point: Record<string, number | string> = { date: new Date(day).toISOString().slice(0, 10), images: latest.size, scans };
      for (const s of SEVERITIES) point[s] = [...latest.values()].reduce((n, summary) => n + (summary[s] ?? 0), 0);
      series.push(point);
    }
    return series;
  };

  // CI uploads may be gzip-compressed; the body limit applies to the decompressed stream
  app.post('/api/v1/scans', {
    config: { permission: 'operate' },
    preParsing: async (request, _reply, payload) => {
      const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding === 'identity') return payload;
      if (encoding !== 'gzip') throw new BadRequest(`content-encoding ${encoding}: only gzip is accepted`);
      delete request.headers['content-length'];
      const gunzip = createGunzip();
      // a corrupt stream is the client's fault: 400, not 500
      gunzip.on('error', (e) => Object.assign(e, { statusCode: 400 }));
      return payload.pipe(gunzip);
    },
  }, async (request, reply) => {
    const body = parseBody(uploadBody, request.body);
    const { result, analysis } = validateScanUpload(body.result, body.analysis);
    const recorded = await recordScan(db, { result, ...(analysis ? { analysis } : {}), source: 'ci' });
    const repository = repositoryOf(result.image.reference);
    await registryServices(ctx).queue.emitScanned({ recorded, source: 'ci', repository, tags: [], result });
    return reply.code(201).send({ scanId: recorded.scanId, imageDigest: recorded.imageDigest, newVulnerabilities: recorded.newVulnerabilities, firstScan: recorded.firstScan });
  });
};
