/**
 * OSV records (OSV schema 1.6, https://ossf.github.io/osv-schema/) as stored in the vulnerability
 * database, and the read interface the matcher uses.
 */

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`. */
  type: string;
  score: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  credits?: unknown[];
  database_specific?: Record<string, unknown>;
}

/**
 * One `affected[]` entry of a stored record, keyed for lookup. `ecosystem` is as the record spells it
 * (`Debian:12`, `Alpine:v3.19`, `npm`); `ecosystemBase` is the part before the first colon.
 * `name` is normalised per ecosystem (see `normalizePackageName`).
 */
export interface StoredAffected {
  vulnId: string;
  ecosystem: string;
  ecosystemBase: string;
  name: string;
  affected: OsvAffected;
}

export interface KevEntry {
  cveId: string;
  dateAdded: string;
  dueDate?: string;
  knownRansomware?: boolean;
}

export interface EpssEntry {
  cveId: string;
  score: number;
  percentile: number;
  date?: string;
}

export interface DbSourceStatus {
  ecosystem: string;
  url: string;
  records: number;
  /** ISO time this ecosystem was last fetched and stored. */
  fetchedAt: string;
  etag?: string;
  lastModified?: string;
  sha256?: string;
}

export interface DbStatus {
  path: string;
  schemaVersion: number;
  /** ISO time of the last successful update or import. */
  updatedAt?: string;
  sources: DbSourceStatus[];
  records: number;
  withdrawn: number;
  kev: number;
  epss: number;
}

/** Read side of the vulnerability database, used by matching and reports. Synchronous (SQLite). */
export interface VulnDb {
  readonly path: string;
  /** Every affected entry for a package, all releases of the ecosystem (`Debian` gives Debian:11, :12...). */
  affectedFor(ecosystemBase: string, name: string): StoredAffected[];
  /** Batch form of `affectedFor`; keys are `${ecosystemBase}\0${name}`. */
  affectedForMany(keys: { ecosystemBase: string; name: string }[]): Map<string, StoredAffected[]>;
  /** The whole record (withdrawn records are not stored). */
  record(id: string): OsvRecord | undefined;
  /** Ids of records that list `id` as an alias or that `id` lists (both directions). */
  aliasesOf(id: string): string[];
  kev(cveId: string): KevEntry | undefined;
  epss(cveId: string): EpssEntry | undefined;
  status(): DbStatus;
  close(): void;
}
