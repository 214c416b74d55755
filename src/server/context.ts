/**
 * What every route module and background service of the server receives: the store, the keys, the
 * audit log, the token verifier and the configuration. Route modules are Fastify plugins
 * `(app, ctx) => Promise<void>`; each route says which permission it needs in `config.permission`.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import type { AuditEntry } from './audit.js';
import type { Permission } from './auth/roles.js';
import type { Principal, TokenVerifier } from './auth/tokens.js';
import type { ServerKeys } from './secret-key.js';

export interface AlertTargets {
  /** Generic webhooks: the alert JSON is POSTed as is. */
  webhooks: string[];
  /** Slack-compatible incoming webhooks (`{"text": ..., "blocks": [...]}`). */
  slack: string[];
  /** SMTP: `smtp://host:port` plus from/to. */
  smtp?: { url: string; from: string; to: string[] };
}

export interface ServerConfig {
  /** Folder for the server key, the SQLite database by default, the layer cache. */
  stateDir: string;
  /** The vulnerability database file the server matches with (and watches for updates). */
  vulnDbPath: string;
  /** Layer cache for registry scans (by layer digest), or false. */
  cacheDir: string | false;
  alerts: AlertTargets;
  /** Seconds between checks of the vulnerability database for a new build (re-match). */
  dbWatchSeconds: number;
  /** Run the background services (registry polling, scan worker, re-match). Off in some tests. */
  background: boolean;
  /**
   * PostgreSQL with external workers (docs/scale-out.md): scans and re-matches are jobs for
   * `bulkhead worker` processes, this replica only enqueues, and periodic duties run on the replica
   * holding the leader lock. Absent: everything runs in this process (the SQLite default).
   */
  scaleOut?: { databaseUrl: string; leaderRetrySeconds: number };
}

export interface ServerContext {
  store: Store;
  keys: ServerKeys;
  tokens: TokenVerifier;
  config: ServerConfig;
  log: FastifyBaseLogger;
  /** Appends to the audit log (never throws into the request: a failure is logged and rethrown). */
  audit(entry: AuditEntry): Promise<void>;
  /** Background work to stop on shutdown, in reverse order of registration. */
  onClose(stop: () => Promise<void>): void;
  /** Named services route modules share (the scan queue, the re-matcher...). */
  services: Map<string, unknown>;
}

export type RouteModule = (app: FastifyInstance, ctx: ServerContext) => Promise<void>;

/** The permission a route needs; `public` skips authentication (health, the dashboard's files). */
export type RoutePermission = Permission | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
}
