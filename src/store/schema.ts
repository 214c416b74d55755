/**
 * The server's database, one schema for SQLite (embedded default) and PostgreSQL (several workers):
 * times are ISO 8601 text, JSON documents are text, binary documents (compressed BOMs and analyses)
 * are blobs / bytea, ids are text (UUIDs or digests), counters are 32-bit integers. Kysely types
 * follow; migrations.ts creates the tables.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'admin' | 'operator' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'operator', 'auditor'];

export interface UsersTable {
  id: string;
  name: string;
  /** scrypt hash in PHC-like text: `scrypt$N$r$p$salt$hash` (base64). Null for token-only users. */
  password_hash: string | null;
  role: Role;
  created_at: string;
  disabled: number;
}

export interface TokensTable {
  id: string;
  user_id: string;
  name: string;
  /** The first characters of the token, to find the row before the constant-time hash check. */
  prefix: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface AuditLogTable {
  seq: number;
  time: string;
  /** User name (or `system`). */
  actor: string;
  /** e.g. `policy.update`, `user.create`, `registry.delete`, `auth.denied`. */
  action: string;
  target: string;
  /** JSON: what changed (never a secret). */
  details: string;
  /** Outcome: `ok` or `denied`. */
  outcome: string;
  prev_hash: string;
  /** SHA-256 over prev_hash and the row's canonical text: editing or removing a row breaks the chain. */
  hash: string;
}

export interface RegistriesTable {
  id: string;
  name: string;
  /** Base URL (`http://127.0.0.1:5000`). */
  url: string;
  username: string | null;
  /** Password or token, AES-256-GCM under the server's secret key (`v1:iv:tag:ciphertext`, base64). */
  secret_enc: string | null;
  /** Repositories to watch (globs, JSON array); empty = the whole catalog. */
  repositories: string;
  poll_seconds: number;
  created_at: string;
  last_polled_at: string | null;
  last_error: string | null;
}

export interface ImagesTable {
  /** Manifest digest (or config digest for images without one). */
  digest: string;
  /** `registry/repository` as seen first (`127.0.0.1:5000/team/app`), or the scanned reference. */
  repository: string;
  config_digest: string | null;
  os: string | null;
  first_seen: string;
  last_scanned_at: string | null;
  /** Latest scan id. */
  scan_id: string | null;
  worst_severity: string | null;
  /** JSON: counts per severity of active findings, and `fixable`. */
  counts: string;
  /** `verified`, `unsigned`, `invalid` or `unknown`. */
  signature_status: string;
  /** `pass`, `fail` or `unknown`. */
  policy_status: string;
}

export interface ImageTagsTable {
  repository: string;
  tag: string;
  digest: string;
  updated_at: string;
}

export interface ScansTable {
  id: string;
  image_digest: string;
  created_at: string;
  /** `ci` (uploaded), `registry` (monitor), `rematch` (after a database update). */
  source: string;
  /** Vulnerability database build time used, when known. */
  db_built: string | null;
  /** gzip of the ImageAnalysis JSON (packages, OS, image facts): re-matched without pulling. */
  analysis_gz: Buffer | null;
  /** gzip of the ScanResult JSON. */
  result_gz: Buffer;
  /** JSON: counts per severity. */
  summary: string;
}

export interface FindingsTable {
  id: Generated<number>;
  scan_id: string;
  image_digest: string;
  finding_id: string;
  kind: string;
  severity: string;
  package_name: string | null;
  package_version: string | null;
  fixed_version: string | null;
  title: string;
  suppressed: number;
}

export interface AlertsTable {
  id: string;
  time: string;
  /** `new-vulnerability`, `policy-fail`, `runtime`. */
  kind: string;
  image_digest: string | null;
  title: string;
  details: string;
  /** JSON: delivery outcome per channel. */
  delivery: string;
}

export interface HostsTable {
  id: string;
  name: string;
  agent_version: string;
  last_seen: string;
  /** JSON: host facts the agent reports (kernel, Docker version, probe). */
  facts: string;
}

export interface ContainersTable {
  host_id: string;
  container_id: string;
  name: string;
  image: string;
  image_digest: string;
  state: string;
  started_at: string | null;
  last_seen: string;
  /** JSON: the inventory fact. */
  fact: string;
}

export interface RuntimeEventsTable {
  id: Generated<number>;
  host_id: string;
  /** The agent's own sequence number of the event: (host_id, agent_seq) is unique, so a resend is not a duplicate. */
  agent_seq: number;
  time: string;
  type: string;
  severity: string;
  container_id: string;
  container_name: string;
  action: string;
  event: string;
}

export interface ProfileModesTable {
  /** Image name (the profile key). */
  image: string;
  mode: string;
  requested_by: string;
  requested_at: string;
  /** Host ids that applied it (JSON array). */
  applied_by: string;
}

export interface PoliciesTable {
  id: string;
  name: string;
  version: number;
  /** The policy YAML as written. */
  yaml: string;
  created_at: string;
  created_by: string;
  active: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface StoreSchema {
  users: UsersTable;
  tokens: TokensTable;
  audit_log: AuditLogTable;
  registries: RegistriesTable;
  images: ImagesTable;
  image_tags: ImageTagsTable;
  scans: ScansTable;
  findings: FindingsTable;
  alerts: AlertsTable;
  hosts: HostsTable;
  containers: ContainersTable;
  runtime_events: RuntimeEventsTable;
  profile_modes: ProfileModesTable;
  policies: PoliciesTable;
  settings: SettingsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Image = Selectable<ImagesTable>;
export type ImageUpdate = Updateable<ImagesTable>;
export type Scan = Selectable<ScansTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type Registry = Selectable<RegistriesTable>;
export type Alert = Selectable<AlertsTable>;
export type RuntimeEventRow = Selectable<RuntimeEventsTable>;
/** Keeps ColumnType importable for modules that describe computed columns. */
export type Column<S, I = S, U = S> = ColumnType<S, I, U>;
