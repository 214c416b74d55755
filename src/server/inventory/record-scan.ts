/**
 * Stores one scan of an image: the result (gzip JSON), the analysis when there is one (gzip JSON:
 * packages, OS and image facts, what a later re-match needs instead of pulling the image again),
 * one row per finding, and the image's summary (worst severity, counts, fixable). Every way a scan
 * reaches the server goes through here: CI uploads, registry monitoring, re-matches.
 */
import { createHash, randomUUID } from 'node:crypto';
import { BulkheadError } from '../../errors.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ImageAnalysis } from '../../catalog/index.js';
import { SEVERITIES, type Severity } from '../../findings/types.js';
import type { ScanResult } from '../../findings/scan-result.js';
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';

export interface RecordScanInput {
  result: ScanResult;
  analysis?: ImageAnalysis;
  /** The analysis already compressed, stored as is (a re-match keeps the bytes it loaded instead of re-compressing them). */
  analysisGz?: Buffer;
  source: 'ci' | 'registry' | 'rematch';
  /** `registry/repository` the image was seen in; defaults to the scanned reference without tag. */
  repository?: string;
  /** Tags that point at this digest now. */
  tags?: string[];
  now?: Date;
}

export interface RecordedScan {
  scanId: string;
  imageDigest: string;
  /** Active vulnerability ids (finding ids) that the image's previous scan did not have. */
  newVulnerabilities: string[];
  /** True when the image had no scan before. */
  firstScan: boolean;
}

/** The repository part of a reference (`host/repo:tag@digest` → `host/repo`). */
export function repositoryOf(reference: string): string {
  const noDigest = reference.replace(/^[a-z-]+:/u, '').split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/**
 * The key an image is stored under: its manifest digest, else its config digest. A folder or SBOM
 * scan has neither; it is keyed by the SHA-256 of its layer digests (one layer for a folder), so the
 * same content uploaded twice is the same image.
 */
export function imageDigestOf(result: ScanResult): string {
  const digest = result.image.manifestDigest ?? result.image.configDigest;
  if (digest) return digest;
  const layers = result.image.layers.map((l) => l.digest).filter(Boolean);
  if (layers.length === 0) throw new BulkheadError('INPUT_INVALID', `scan of ${result.image.reference} has no image or layer digest to store it under`);
  return 'sha256:' + createHash('sha256').update(layers.join('\n')).digest('hex');
}

export async function recordScan(db: Kysely<StoreSchema>, input: RecordScanInput): Promise<RecordedScan> {
  const now = (input.now ?? new Date()).toISOString();
  const { result } = input;
  const digest = imageDigestOf(result);
  const repository = input.repository ?? repositoryOf(result.image.reference);
  const active = result.findings.filter((f) => !f.suppression);
  const worst = SEVERITIES.find((s) => s !== 'unknown' && active.some((f) => f.severity === s)) ?? (active.length ? 'unknown' : null);
  const counts: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const f of active) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  counts['fixable'] = active.filter((f) => f.kind === 'vulnerability' && f.vulnerability?.fixedVersion).length;
  const scanId = randomUUID();

  // inside a caller's transaction (a worker's keyed, locked write: scale-out/record-once.ts) the scan joins it
  const inTransaction = <T>(work: (tx: Kysely<StoreSchema>) => Promise<T>): Promise<T> => (db.isTransaction ? work(db) : db.transaction().execute(work));
  return inTransaction(async (tx) => {
    const before = await tx.selectFrom('images').select(['scan_id']).where('digest', '=', digest).executeTakeFirst();
    const previous = before?.scan_id
      ? new Set((await tx.selectFrom('findings').select('finding_id').where('scan_id', '=', before.scan_id).where('kind', '=', 'vulnerability').where('suppressed', '=', 0).execute()).map((r) => r.finding_id))
      : undefined;
    await tx
      .insertInto('scans')
      .values({
        id: scanId,
        image_digest: digest,
        created_at: now,
        source: input.source,
        db_built: result.db?.updatedAt ?? null,
        analysis_gz: input.analysisGz ?? (input.analysis ? gzipSync(JSON.stringify(input.analysis)) : null),
        result_gz: gzipSync(JSON.stringify(result)),
        summary: JSON.stringify(result.summary),
      })
      .execute();
    // chunks keep each INSERT under SQLite's bound-parameter limit
    const rows = result.findings.map((f) => ({
      scan_id: scanId,
      image_digest: digest,
      finding_id: f.id,
      kind: f.kind,
      severity: f.severity,
      package_name: f.target.package?.name ?? null,
      package_version: f.target.package?.version ?? null,
      fixed_version: f.vulnerability?.fixedVersion ?? null,
      title: f.title.slice(0, 500),
      suppressed: f.suppression ? 1 : 0,
    }));
    for (let i = 0; i < rows.length; i += 500) await tx.insertInto('findings').values(rows.slice(i, i + 500)).execute();
    const image = {
      repository,
      config_digest: result.image.configDigest ?? null,
      os: result.os ? `${result.os.id} ${result.os.versionId ?? ''}`.trim() : null,
      last_scanned_at: now,
      scan_id: scanId,
      worst_severity: worst,
      counts: JSON.stringify(counts),
    };
    if (before) await tx.updateTable('images').set(image).where('digest', '=', digest).execute();
    else await tx.insertInto('images').values({ digest, first_seen: now, signature_status: 'unknown', policy_status: 'unknown', ...image }).execute();
    for (const tag of input.tags ?? []) {
      await tx.deleteFrom('image_tags').where('repository', '=', repository).where('tag', '=', tag).execute();
      await tx.insertInto('image_tags').values({ repository, tag, digest, updated_at: now }).execute();
    }
    const newVulnerabilities = previous ? [...new Set(active.filter((f) => f.kind === 'vulnerability' && !previous.has(f.id)).map((f) => f.id))] : [];
    return { scanId, imageDigest: digest, newVulnerabilities, firstScan: !before };
  });
}

/** The stored analysis and result of a scan. */
export async function loadScan(db: Kysely<StoreSchema>, scanId: string): Promise<{ result: ScanResult; analysis?: ImageAnalysis } | undefined> {
  const row = await db.selectFrom('scans').select(['result_gz', 'analysis_gz']).where('id', '=', scanId).executeTakeFirst();
  if (!row) return undefined;
  const result = JSON.parse(gunzipSync(row.result_gz).toString('utf8')) as ScanResult;
  return row.analysis_gz ? { result, analysis: JSON.parse(gunzipSync(row.analysis_gz).toString('utf8')) as ImageAnalysis } : { result };
}

export type { Severity };
