/**
 * The agent's local event store: one SQLite file (default /var/lib/bulkhead/agent.db) that
 * `bulkhead agent events` queries. Opened like the vulnerability database (better-sqlite3), in WAL
 * mode (https://sqlite.org/wal.html) so readers never block the agent's writes and see whole batches
 * only, with a busy timeout for the moments a checkpoint holds the lock.
 *
 * Writes are batched: events wait at most `flushIntervalMs` (200 ms) or until `batchSize` (500)
 * are pending, then go in one transaction (one fsync per batch instead of per event).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type DatabaseType from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';
import { lazyModule } from '../../lazy-module.js';
import { silentReporter, type Reporter } from '../../progress.js';
import type { RuntimeEvent } from '../events/types.js';
import { DeliveryTrouble } from './delivery-trouble.js';
import { EVENT_STORE_APPLICATION_ID, EVENT_STORE_SCHEMA_VERSION, migrate } from './store-schema.js';
import type { EventSink } from './types.js';

const Database = lazyModule<typeof DatabaseType>('better-sqlite3');

/** Events kept in memory while the database refuses writes (busy, disk full) before the oldest go. */
const MAX_PENDING = 50_000;

export interface EventStoreOptions {
  reporter?: Reporter;
  /** Open an existing store for queries only (the CLI); the file must exist. */
  readonly?: boolean;
  flushIntervalMs?: number;
  batchSize?: number;
  busyTimeoutMs?: number;
}

/** A point in time: a Date, milliseconds since the epoch, or an ISO 8601 string. */
export type TimeBound = Date | number | string;

export interface EventQuery {
  since?: TimeBound;
  until?: TimeBound;
  type?: string;
  /** A container id, an id prefix, or a name (with or without the leading `/`). */
  container?: string;
  limit?: number;
}

interface QueryParams {
  since: number | null;
  until: number | null;
  type: string | null;
  container: string | null;
  containerEnd: string | null;
  limit: number;
}

export class EventStore implements EventSink {
  private readonly db: DatabaseType.Database;
  private readonly trouble: DeliveryTrouble;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private pending: RuntimeEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private insert: DatabaseType.Statement | undefined;
  private select: DatabaseType.Statement<QueryParams, { document: string }> | undefined;

  constructor(
    readonly path: string,
    options: EventStoreOptions = {},
  ) {
    this.trouble = new DeliveryTrouble(path, options.reporter ?? silentReporter);
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 500;
    const readonly = options.readonly ?? false;
    if (readonly && !existsSync(path)) {
      throw new BulkheadError('INPUT_NOT_FOUND', `${path}: no event store (the agent creates it; see --store)`, { input: path });
    }
    if (!readonly) mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new (Database())(path, { readonly, fileMustExist: readonly });
    } catch (e) {
      throw storeError(path, e);
    }
    try {
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      this.checkAndMigrate(readonly);
    } catch (e) {
      this.db.close();
      throw storeError(path, e);
    }
  }

  /** Refuses foreign and newer files; creates or migrates ours. */
  private checkAndMigrate(readonly: boolean): void {
    const appId = this.db.pragma('application_id', { simple: true }) as number;
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const tables = (this.db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
    const fresh = appId === 0 && version === 0 && tables === 0;
    if (!fresh && appId !== EVENT_STORE_APPLICATION_ID) {
      throw new BulkheadError('INPUT_INVALID', `${this.path}: not a Bulkhead event store (another SQLite database)`, { input: this.path });
    }
    if (version > EVENT_STORE_SCHEMA_VERSION) {
      throw new BulkheadError('INPUT_INVALID', `${this.path}: event store schema version ${version} is newer than this Bulkhead reads (${EVENT_STORE_SCHEMA_VERSION})`, { input: this.path });
    }
    if (readonly) {
      if (version < EVENT_STORE_SCHEMA_VERSION) {
        throw new BulkheadError('INPUT_INVALID', `${this.path}: event store schema version ${version}; run the agent once to migrate it to ${EVENT_STORE_SCHEMA_VERSION}`, { input: this.path });
      }
      return;
    }
    this.db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL is durable across application crashes; a power cut may lose the
    // last batches, never corrupt the file (https://sqlite.org/pragma.html#pragma_synchronous)
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db, version);
  }

  write(event: RuntimeEvent): void {
    if (this.closed) return this.trouble.record('the store is closed');
    this.pending.push(event);
    if (this.pending.length >= this.batchSize) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.flushIntervalMs).unref();
  }

  /** Writes the pending events in one transaction; on trouble keeps them for the next try. */
  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending;
    this.pending = [];
    try {
      const insert = (this.insert ??= this.db.prepare(
        `INSERT INTO events (time_ms, type, severity, container_id, container_name, image, image_digest, pid, path, action, rule, reason, document)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ));
      this.db.transaction((events: RuntimeEvent[]) => {
        for (const e of events) insert.run(...eventRow(e));
      })(batch);
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      const reason = code || (e as Error).message;
      if (!/^SQLITE_(BUSY|LOCKED|FULL|IOERR)/u.test(code)) return this.trouble.record(reason, batch.length);
      // transient: keep the batch (oldest first) and try again later, within a memory bound
      this.pending = batch.concat(this.pending);
      const excess = this.pending.length - MAX_PENDING;
      if (excess > 0) {
        this.pending.splice(0, excess);
        this.trouble.record(`${reason}; oldest events dropped`, excess);
      } else {
        this.trouble.note(`cannot write yet (${reason}); ${this.pending.length} event(s) waiting`);
      }
      this.timer ??= setTimeout(() => this.flushNow(), Math.max(this.flushIntervalMs, 1000)).unref();
    }
  }

  async flush(): Promise<void> {
    this.flushNow();
  }

  /** Events matching every given filter, newest first. */
  query(filter: EventQuery = {}): RuntimeEvent[] {
    this.flushNow();
    const container = filter.container?.replace(/^\//u, '') || null;
    const params: QueryParams = {
      since: filter.since === undefined ? null : timeMs(filter.since),
      until: filter.until === undefined ? null : timeMs(filter.until),
      type: filter.type ?? null,
      container,
      // an id prefix is a range over the index: [prefix, prefix + the highest code point)
      containerEnd: container === null ? null : container + '\u{10FFFF}',
      limit: filter.limit ?? -1,
    };
    const select = (this.select ??= this.db.prepare(
      `SELECT document FROM events
       WHERE (@since IS NULL OR time_ms >= @since)
         AND (@until IS NULL OR time_ms <= @until)
         AND (@type IS NULL OR type = @type)
         AND (@container IS NULL OR (container_id >= @container AND container_id < @containerEnd)
              OR container_name = @container OR container_name = '/' || @container)
       ORDER BY time_ms DESC, id DESC
       LIMIT @limit`,
    ));
    try {
      return select.all(params).map((row) => JSON.parse(row.document) as RuntimeEvent);
    } catch (e) {
      throw storeError(this.path, e);
    }
  }

  /** Number of stored events. */
  count(): number {
    this.flushNow();
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  /** Deletes events older than `olderThan` (retention); returns how many went. */
  prune(olderThan: TimeBound): number {
    this.flushNow();
    try {
      return this.db.prepare('DELETE FROM events WHERE time_ms < ?').run(timeMs(olderThan)).changes;
    } catch (e) {
      throw storeError(this.path, e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushNow();
    this.closed = true;
    if (this.pending.length > 0) this.trouble.record('the store closed before they could be written', this.pending.length);
    this.pending = [];
    this.db.close();
  }
}

function eventRow(e: RuntimeEvent): unknown[] {
  const t = Date.parse(e.time);
  return [
    Number.isFinite(t) ? t : Date.now(),
    e.type,
    e.severity,
    e.container?.id ?? '',
    (e.container?.name ?? '').replace(/^\//u, ''),
    e.container?.image ?? '',
    e.container?.imageDigest ?? '',
    e.process?.pid ?? 0,
    e.process?.path ?? '',
    e.action,
    e.rule,
    e.reason,
    JSON.stringify(e),
  ];
}

function timeMs(bound: TimeBound): number {
  const ms = bound instanceof Date ? bound.getTime() : typeof bound === 'number' ? bound : Date.parse(bound);
  if (!Number.isFinite(ms)) throw new BulkheadError('INPUT_INVALID', `"${String(bound)}" is not a point in time (ISO 8601 expected)`, { input: String(bound) });
  return ms;
}

/** SQLite's own words for a damaged or foreign file, as one line naming the file. */
function storeError(path: string, e: unknown): BulkheadError {
  if (e instanceof BulkheadError) return e;
  const code = (e as { code?: string }).code;
  const reason = (e as Error).message ?? String(e);
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return new BulkheadError('INPUT_INVALID', `${path}: the event store is damaged or not a database (${reason})`, { input: path, cause: e });
  }
  return new BulkheadError('OUTPUT_FAILED', `${path}: cannot use the event store (${reason})`, { input: path, cause: e });
}
