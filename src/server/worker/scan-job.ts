/**
 * One scan job as a worker runs it: skip when the digest already has a stored scan (a retried job
 * whose dead attempt got that far), read the registry's credentials by id with the shared key,
 * scan the way the in-process queue does (src/server/registry/services.ts) with the shared layer
 * cache, store the scan at most once, then do what the server does after a scan: clear the
 * registry's last error and judge the image (policy and signature verdicts, policy-failure alerts).
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';
import { registryAccess } from '../registry/index.js';
import type { VerdictService } from '../verdict/index.js';
import type { ScanJobData } from '../scale-out/boss.js';
import { pgLayerCache } from '../scale-out/pg-layer-cache.js';
import { recordScanOnce, storedScanId } from '../scale-out/record-once.js';

export interface ScanJobDeps {
  db: Kysely<StoreSchema>;
  vulnDbPath: string;
  encryptionKey: Buffer;
  verdicts: VerdictService;
}

export interface ScanJobOutput {
  scanId: string;
  /** False when the scan was already stored (by an earlier attempt, or another path). */
  stored: boolean;
}

export async function runScanJob(deps: ScanJobDeps, data: ScanJobData): Promise<ScanJobOutput> {
  const { db } = deps;
  if (data.digest) {
    const existing = await storedScanId(db, data.digest);
    if (existing) return { scanId: existing, stored: false };
  }
  let insecure = data.insecure === true;
  let credentials: { username: string; password: string } | undefined;
  if (data.registryId) {
    const row = await db.selectFrom('registries').select(['url', 'username', 'secret_enc']).where('id', '=', data.registryId).executeTakeFirst();
    if (row) {
      const access = registryAccess(row, deps.encryptionKey);
      insecure = access.insecure;
      credentials = access.credentials;
    }
  }
  try {
    const { scanImage } = await import('../../scan/index.js');
    const { result, analysis } = await scanImage(data.reference, {
      dbPath: deps.vulnDbPath,
      cacheDir: false,
      layerCache: pgLayerCache(db),
      scanners: ['vuln', 'secret', 'config'],
      // the dashboard shows the database's age itself; a scan should not repeat it as a warning
      maxDbAgeDays: 0,
      ...(insecure ? { insecure: true } : {}),
      ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
    });
    const { recorded, created } = await recordScanOnce(db, { result, analysis, source: 'registry', repository: data.repository, tags: data.tags });
    if (created) {
      if (data.registryId) await db.updateTable('registries').set({ last_error: null }).where('id', '=', data.registryId).execute();
      await deps.verdicts.afterScan(recorded.imageDigest, { ...(credentials ? { credentials } : {}), ...(insecure ? { insecure } : {}) });
    }
    return { scanId: recorded.scanId, stored: created };
  } catch (e) {
    if (data.registryId) {
      await db
        .updateTable('registries')
        .set({ last_error: `${data.reference}: ${(e as Error).message}`.slice(0, 1000) })
        .where('id', '=', data.registryId)
        .execute()
        .catch(() => undefined);
    }
    throw e;
  }
}
