import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type DatabaseType from 'better-sqlite3';
import { asBulkheadError, BulkheadError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../progress.js';
import { applyExport, type ApplyCounts } from './apply-records.js';
import { atomicWorkCopy, finishWorkCopy } from './work-copy.js';
import { fetchSourceFile, fileUrl, localEcosystems, sourceBase, type Fetched, type Validators } from './fetch-source.js';
import { loadEpss, loadKev } from './kev-epss.js';
import { acquireDbLock, workFilePath } from './lock.js';
import { zipJsonMembers } from './zip-records.js';
import { directoryJsonMembers, recordDirectory } from './directory-records.js';
import { openSqlite, schemaVersionOf } from './open.js';
import { DEFAULT_ECOSYSTEMS, DEFAULT_SOURCE, defaultDbPath, EPSS_FILE, KEV_FILE } from './paths.js';
import { EPSS_SOURCE, KEV_SOURCE, SCHEMA_VERSION } from './schema.js';

export interface UpdateOptions {
  dbPath?: string;
  /** Base URL (http, https, file://) or absolute directory laid out as `<base>/<Ecosystem>/all.zip`. */
  source?: string;
  ecosystems?: readonly string[];
  reporter?: Reporter;
  /** A download with no byte for this long fails (default 60 s). */
  idleTimeoutMs?: number;
}

export type FeedState = 'not-modified' | 'not-found' | 'unchanged' | 'updated';

export interface EcosystemOutcome {
  ecosystem: string;
  url: string;
  state: FeedState;
  counts?: ApplyCounts;
}

export interface UpdateResult {
  path: string;
  /** False when every feed answered "not modified" (or the same bytes): the file was not rewritten. */
  changed: boolean;
  ecosystems: EcosystemOutcome[];
  kev: { url: string; state: FeedState; records?: number };
  epss: { url: string; state: FeedState; records?: number };
  warnings: string[];
}

/**
 * `bulkhead db update`: brings the database in line with an OSV source. Nothing is written in place:
 * the first change starts a work copy of the database beside it (`VACUUM INTO`), every change goes
 * there, and only a complete, integrity-checked, fsynced copy is renamed over the old file. A failed
 * or killed update leaves the previous database as it was; a lock keeps two updates apart.
 */
export async function updateVulnDb(options: UpdateOptions = {}): Promise<UpdateResult> {
  const dbPath = options.dbPath ?? defaultDbPath();
  const reporter = options.reporter ?? silentReporter;
  const base = sourceBase(options.source ?? DEFAULT_SOURCE);
  // a local source without an explicit list: the ecosystems it holds
  const ecosystems = [...new Set(options.ecosystems ?? localEcosystems(base) ?? DEFAULT_ECOSYSTEMS)];
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    reporter.warn(m);
  };
  try {
    await mkdir(dirname(dbPath), { recursive: true });
  } catch (e) {
    throw asBulkheadError(e, 'OUTPUT_FAILED', `${dirname(dbPath)}: cannot create the database folder`);
  }
  const release = await acquireDbLock(dbPath);
  const random = randomBytes(6).toString('hex');
  const workPath = workFilePath(dbPath, random, 'tmp');
  const downloadPath = workFilePath(dbPath, random, 'download');
  let work: DatabaseType.Database | undefined;
  try {
    const previous = readValidators(dbPath, warn);
    const startWork = () => (work ??= atomicWorkCopy(dbPath, workPath, previous !== undefined));
    const fetchedAt = new Date().toISOString();
    const pendingValidators: (() => void)[] = [];

    const fetchFeed = async (name: string, relative: string, checkSibling: boolean): Promise<Fetched> => {
      const task = reporter.task(name);
      try {
        return await fetchSourceFile(fileUrl(base, relative), previous?.get(name) ?? {}, { tempPath: downloadPath, idleTimeoutMs, checkSibling, task });
      } finally {
        task.done();
      }
    };
    /** Runs `load` on a fetched feed unless its bytes are the ones stored last time. */
    const handle = async (name: string, fetched: Fetched, load: (file: string, db: DatabaseType.Database) => Promise<{ records: number; withdrawn?: number; invalid?: number }>) => {
      if (fetched.kind !== 'fetched') return { state: fetched.kind as FeedState };
      try {
        const prev = previous?.get(name);
        const row = (records: number, withdrawn = 0, invalid = 0) => [name, fetched.url, records, withdrawn, invalid, fetchedAt, fetched.etag ?? null, fetched.lastModified ?? null, fetched.sha256] as const;
        if (prev?.url === fetched.url && prev.sha256 === fetched.sha256) {
          // Same bytes under a new ETag: nothing to apply; remember the validators if we write anyway.
          pendingValidators.push(() => work!.prepare('UPDATE sources SET etag = ?, last_modified = ? WHERE name = ?').run(fetched.etag ?? null, fetched.lastModified ?? null, name));
          return { state: 'unchanged' as FeedState };
        }
        const db = startWork();
        const loaded = await load(fetched.file, db);
        db.prepare('INSERT OR REPLACE INTO sources (name, url, records, withdrawn, invalid, fetched_at, etag, last_modified, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
          ...row(loaded.records, loaded.withdrawn, loaded.invalid),
        );
        return { state: 'updated' as FeedState, records: loaded.records };
      } finally {
        if (fetched.temporary) await unlink(fetched.file).catch(() => {});
      }
    };

    const outcomes: EcosystemOutcome[] = [];
    /** A folder of loose records on a local source, applied like an export. */
    const applyFolder = async (ecosystem: string, folder: NonNullable<ReturnType<typeof recordDirectory>>): Promise<EcosystemOutcome> => {
      const url = fileUrl(base, ecosystem);
      const outcome: EcosystemOutcome = { ecosystem, url, state: 'unchanged' };
      const prev = previous?.get(ecosystem);
      if (prev?.url === url && prev.sha256 === folder.fingerprint) return outcome;
      const db = startWork();
      const counts = await applyExport(db, ecosystem, `${ecosystem}/`, directoryJsonMembers(folder.dir, folder.files, warn), warn);
      if (counts.invalid) warn(`${url}: ${counts.invalid} invalid record(s) skipped`);
      db.prepare('INSERT OR REPLACE INTO sources (name, url, records, withdrawn, invalid, fetched_at, etag, last_modified, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        ecosystem, url, counts.records, counts.withdrawn, counts.invalid, fetchedAt, null, null, folder.fingerprint,
      );
      outcome.state = 'updated';
      outcome.counts = counts;
      return outcome;
    };
    for (const ecosystem of ecosystems) {
      const folder = recordDirectory(fileUrl(base, ecosystem));
      if (folder && !existsSync(join(folder.dir, 'all.zip'))) {
        outcomes.push(await applyFolder(ecosystem, folder));
        continue;
      }
      const fetched = await fetchFeed(ecosystem, `${ecosystem}/all.zip`, true);
      if (fetched.kind === 'not-found') warn(`${fetched.url}: not found on this source; ${ecosystem} not updated`);
      let counts: ApplyCounts | undefined;
      const { state } = await handle(ecosystem, fetched, async (file, db) => {
        counts = await applyExport(db, ecosystem, `${ecosystem}/all.zip`, zipJsonMembers(file, fetched.url), warn);
        if (counts.invalid) warn(`${fetched.url}: ${counts.invalid} invalid record(s) skipped`);
        return counts;
      });
      outcomes.push({ ecosystem, url: fetched.url, state, ...(counts ? { counts } : {}) });
    }
    if (outcomes.every((o) => o.state === 'not-found')) {
      throw new BulkheadError('VULN_SOURCE_EMPTY', `${base.href}: no OSV export found for ${ecosystems.join(', ')} (expected <source>/<Ecosystem>/all.zip)`, { input: base.href });
    }

    const kevFetched = await fetchFeed(KEV_SOURCE, KEV_FILE, false);
    const kev = { url: kevFetched.url, ...(await handle(KEV_SOURCE, kevFetched, async (file, db) => ({ records: await loadKev(db, file, kevFetched.url) }))) };
    const epssFetched = await fetchFeed(EPSS_SOURCE, EPSS_FILE, false);
    const epss = {
      url: epssFetched.url,
      ...(await handle(EPSS_SOURCE, epssFetched, async (file, db) => {
        const loaded = await loadEpss(db, file, epssFetched.url);
        const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
        if (loaded.scoreDate) setMeta.run('epss_score_date', loaded.scoreDate);
        if (loaded.modelVersion) setMeta.run('epss_model_version', loaded.modelVersion);
        return { records: loaded.rows };
      })),
    };

    if (work) {
      for (const apply of pendingValidators) apply();
      work.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('updated_at', ?), ('source', ?)").run(new Date().toISOString(), base.href);
      const db = work;
      work = undefined;
      await finishWorkCopy(db, workPath, dbPath);
    }
    return { path: dbPath, changed: outcomes.some((o) => o.state === 'updated') || kev.state === 'updated' || epss.state === 'updated', ecosystems: outcomes, kev, epss, warnings };
  } finally {
    if (work) (work as DatabaseType.Database).close();
    await unlink(workPath).catch(() => {});
    await unlink(`${workPath}-journal`).catch(() => {});
    await unlink(downloadPath).catch(() => {});
    await release();
  }
}

/** Validators of the current database, or undefined when there is none usable (then start fresh). */
function readValidators(dbPath: string, warn: (m: string) => void): Map<string, Validators> | undefined {
  if (!existsSync(dbPath)) return undefined;
  let db: DatabaseType.Database | undefined;
  try {
    db = openSqlite(dbPath, true);
    const version = schemaVersionOf(db, dbPath);
    if (version !== SCHEMA_VERSION) {
      warn(`${dbPath}: schema version ${version}, not ${SCHEMA_VERSION}; rebuilding the database from the source`);
      return undefined;
    }
    const rows = db.prepare('SELECT name, url, etag, last_modified, sha256 FROM sources').all() as { name: string; url: string; etag: string | null; last_modified: string | null; sha256: string | null }[];
    return new Map(rows.map((r) => [r.name, { url: r.url, ...(r.etag ? { etag: r.etag } : {}), ...(r.last_modified ? { lastModified: r.last_modified } : {}), ...(r.sha256 ? { sha256: r.sha256 } : {}) }]));
  } catch (e) {
    warn(`${dbPath}: unreadable (${(e as Error).message}); rebuilding the database from the source`);
    return undefined;
  } finally {
    db?.close();
  }
}
