import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type DatabaseType from 'better-sqlite3';

/**
 * The vulnerability store's tables. The version lives in `PRAGMA user_version`; a file with another
 * version is refused by `openVulnDb` and rebuilt from scratch by an update. The shipped file is in
 * rollback-journal mode (not WAL) so the database is one file that can be copied, bundled and renamed.
 */
export const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE records (
  id TEXT NOT NULL UNIQUE,
  modified TEXT NOT NULL,
  published TEXT,
  summary TEXT,
  aliases TEXT,
  severity TEXT,
  -- the whole OSV record, JSON compressed with raw deflate (RFC 1951): about a third of the size
  record BLOB NOT NULL
);
CREATE TABLE affected (
  vuln_id TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  ecosystem_base TEXT NOT NULL,
  name TEXT NOT NULL,
  affected TEXT NOT NULL
);
CREATE INDEX affected_by_package ON affected (ecosystem_base, name);
CREATE INDEX affected_by_vuln ON affected (vuln_id);
-- both directions of every alias link; owner is the record that stated it
CREATE TABLE aliases (owner TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL);
CREATE INDEX aliases_by_a ON aliases (a);
CREATE INDEX aliases_by_owner ON aliases (owner);
-- which export a record came from: a record listed by two ecosystems is removed when both drop it
CREATE TABLE record_sources (source TEXT NOT NULL, vuln_id TEXT NOT NULL, PRIMARY KEY (source, vuln_id)) WITHOUT ROWID;
CREATE INDEX record_sources_by_vuln ON record_sources (vuln_id);
CREATE TABLE sources (
  name TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  records INTEGER NOT NULL,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  invalid INTEGER NOT NULL DEFAULT 0,
  fetched_at TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  sha256 TEXT
);
CREATE TABLE kev (cve_id TEXT PRIMARY KEY, date_added TEXT NOT NULL, due_date TEXT, known_ransomware INTEGER);
CREATE TABLE epss (cve_id TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export function createSchema(db: DatabaseType.Database): void {
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

export function encodeRecord(json: string): Buffer {
  return deflateRawSync(Buffer.from(json, 'utf8'));
}

export function decodeRecord(stored: Buffer): string {
  return inflateRawSync(stored).toString('utf8');
}

/** Source names for the two non-OSV feeds in the `sources` table. */
export const KEV_SOURCE = 'CISA KEV';
export const EPSS_SOURCE = 'FIRST EPSS';
