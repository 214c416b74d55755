import { existsSync } from 'node:fs';
import type DatabaseType from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';
import { lazyModule } from '../../lazy-module.js';
import { decodeRecord, EPSS_SOURCE, KEV_SOURCE, SCHEMA_VERSION } from './schema.js';
import type { DbSourceStatus, DbStatus, EpssEntry, KevEntry, OsvAffected, OsvRecord, StoredAffected, VulnDb } from './types.js';

const Database = lazyModule<typeof DatabaseType>('better-sqlite3');

/** Opens a SQLite file read-only, with a one-line error naming the file when it cannot. */
export function openSqlite(path: string, readonly: boolean): DatabaseType.Database {
  try {
    return new (Database())(path, { readonly, fileMustExist: readonly });
  } catch (e) {
    throw new BulkheadError('VULN_DB_INVALID', `${path}: cannot open the vulnerability database (${(e as Error).message})`, { input: path, cause: e });
  }
}

/** Reads `PRAGMA user_version`, turning "file is not a database" into a one-line error. */
export function schemaVersionOf(db: DatabaseType.Database, path: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    throw new BulkheadError('VULN_DB_INVALID', `${path}: not a vulnerability database (${(e as Error).message})`, { input: path, cause: e });
  }
}

/**
 * Opens the vulnerability database read-only. Throws `VULN_DB_MISSING` when there is no file (the
 * message says to run `bulkhead db update`) and `VULN_DB_INVALID` for another schema version.
 */
export function openVulnDb(path: string): VulnDb {
  if (!existsSync(path)) {
    throw new BulkheadError('VULN_DB_MISSING', `${path}: no vulnerability database; run "bulkhead db update" (or "bulkhead db import FILE" offline)`, { input: path });
  }
  const db = openSqlite(path, true);
  const version = schemaVersionOf(db, path);
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new BulkheadError('VULN_DB_INVALID', `${path}: vulnerability database schema version ${version}, this Bulkhead reads ${SCHEMA_VERSION}; run "bulkhead db update"`, { input: path });
  }
  return new SqliteVulnDb(path, db);
}

interface AffectedRow { vuln_id: string; ecosystem: string; ecosystem_base: string; name: string; affected: string }

class SqliteVulnDb implements VulnDb {
  private readonly byPackage: DatabaseType.Statement<[string, string], AffectedRow>;
  private readonly recordById: DatabaseType.Statement<[string], { record: Buffer }>;
  private readonly aliasRows: DatabaseType.Statement<[string, string], { b: string }>;
  private readonly kevById: DatabaseType.Statement<[string], { cve_id: string; date_added: string; due_date: string | null; known_ransomware: number | null }>;
  private readonly epssById: DatabaseType.Statement<[string], { cve_id: string; score: number; percentile: number }>;

  constructor(
    readonly path: string,
    private readonly db: DatabaseType.Database,
  ) {
    this.byPackage = db.prepare('SELECT vuln_id, ecosystem, ecosystem_base, name, affected FROM affected WHERE ecosystem_base = ? AND name = ?');
    this.recordById = db.prepare('SELECT record FROM records WHERE id = ?');
    this.aliasRows = db.prepare('SELECT DISTINCT b FROM aliases WHERE a = ? AND b <> ? ORDER BY b');
    this.kevById = db.prepare('SELECT cve_id, date_added, due_date, known_ransomware FROM kev WHERE cve_id = ?');
    this.epssById = db.prepare('SELECT cve_id, score, percentile FROM epss WHERE cve_id = ?');
  }

  affectedFor(ecosystemBase: string, name: string): StoredAffected[] {
    return this.byPackage.all(ecosystemBase, name).map(toStored);
  }

  affectedForMany(keys: { ecosystemBase: string; name: string }[]): Map<string, StoredAffected[]> {
    const out = new Map<string, StoredAffected[]>();
    // One read transaction: one snapshot and no per-statement lock churn; each lookup is an index seek.
    this.db.transaction(() => {
      for (const { ecosystemBase, name } of keys) {
        const key = `${ecosystemBase}\0${name}`;
        if (out.has(key)) continue;
        out.set(key, this.byPackage.all(ecosystemBase, name).map(toStored));
      }
    })();
    return out;
  }

  record(id: string): OsvRecord | undefined {
    const row = this.recordById.get(id);
    return row ? (JSON.parse(decodeRecord(row.record)) as OsvRecord) : undefined;
  }

  aliasesOf(id: string): string[] {
    return this.aliasRows.all(id, id).map((r) => r.b);
  }

  kev(cveId: string): KevEntry | undefined {
    const row = this.kevById.get(cveId);
    if (!row) return undefined;
    return {
      cveId: row.cve_id,
      dateAdded: row.date_added,
      ...(row.due_date ? { dueDate: row.due_date } : {}),
      ...(row.known_ransomware === null ? {} : { knownRansomware: row.known_ransomware === 1 }),
    };
  }

  epss(cveId: string): EpssEntry | undefined {
    const row = this.epssById.get(cveId);
    if (!row) return undefined;
    const date = this.meta('epss_score_date');
    return { cveId: row.cve_id, score: row.score, percentile: row.percentile, ...(date ? { date } : {}) };
  }

  status(): DbStatus {
    return readStatus(this.db, this.path);
  }

  close(): void {
    this.db.close();
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }
}

function toStored(row: AffectedRow): StoredAffected {
  return { vulnId: row.vuln_id, ecosystem: row.ecosystem, ecosystemBase: row.ecosystem_base, name: row.name, affected: JSON.parse(row.affected) as OsvAffected };
}

interface SourceRow { name: string; url: string; records: number; withdrawn: number; fetched_at: string; etag: string | null; last_modified: string | null; sha256: string | null }

export function readStatus(db: DatabaseType.Database, path: string): DbStatus {
  const count = (sql: string) => (db.prepare(sql).get() as { n: number | null }).n ?? 0;
  const rows = db.prepare('SELECT name, url, records, withdrawn, fetched_at, etag, last_modified, sha256 FROM sources ORDER BY name').all() as SourceRow[];
  const sources: DbSourceStatus[] = rows.map((r) => ({
    ecosystem: r.name,
    url: r.url,
    records: r.records,
    fetchedAt: r.fetched_at,
    ...(r.etag ? { etag: r.etag } : {}),
    ...(r.last_modified ? { lastModified: r.last_modified } : {}),
    ...(r.sha256 ? { sha256: r.sha256 } : {}),
  }));
  const updatedAt = (db.prepare("SELECT value FROM meta WHERE key = 'updated_at'").get() as { value: string } | undefined)?.value;
  return {
    path,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    ...(updatedAt ? { updatedAt } : {}),
    sources,
    records: count('SELECT count(*) AS n FROM records'),
    withdrawn: (db.prepare('SELECT sum(withdrawn) AS n FROM sources WHERE name NOT IN (?, ?)').get(KEV_SOURCE, EPSS_SOURCE) as { n: number | null }).n ?? 0,
    kev: count('SELECT count(*) AS n FROM kev'),
    epss: count('SELECT count(*) AS n FROM epss'),
  };
}
