/**
 * The agent's outbox for the server: every event is committed to a SQLite file in the agent's state
 * folder (default `/var/lib/bulkhead/server-spool.db`) before anything tries to send it, and removed
 * only once the server has acknowledged it. The spool also keeps this host's id, so a restarted agent
 * is the same host to the server and its sequence numbers go on where they stopped.
 *
 * Durability: WAL with `synchronous = FULL` (https://sqlite.org/pragma.html#pragma_synchronous): each
 * append is fsync'd when `append` returns, so neither a crash of the agent nor of the machine loses an
 * event the agent has handed over. `seq` is `INTEGER PRIMARY KEY AUTOINCREMENT`, which SQLite promises
 * never to reuse, even after the rows are deleted (https://sqlite.org/autoinc.html): sequence numbers
 * only grow, per host, for the life of the spool.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type DatabaseType from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';
import { lazyModule } from '../../lazy-module.js';
import type { RuntimeEvent } from '../events/types.js';

const Database = lazyModule<typeof DatabaseType>('better-sqlite3');

export interface SpooledEvent {
  seq: number;
  event: RuntimeEvent;
}

export class EventSpool {
  readonly hostId: string;
  private readonly db: DatabaseType.Database;
  private readonly insert: DatabaseType.Statement<[string]>;
  private readonly head: DatabaseType.Statement<[number, number], { seq: number; event: string }>;
  private readonly remove: DatabaseType.Statement<[number]>;
  private readonly count: DatabaseType.Statement<[], { n: number }>;
  private closed = false;

  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.db = new (Database())(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    } catch (e) {
      throw new BulkheadError('INPUT_INVALID', `${path}: cannot open the server spool: ${(e as Error).message}`, { input: path, cause: e });
    }
    const row = this.db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'host-id'`).get();
    if (row) this.hostId = row.value;
    else {
      this.hostId = randomUUID();
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('host-id', ?)`).run(this.hostId);
    }
    this.insert = this.db.prepare(`INSERT INTO outbox (event) VALUES (?)`);
    this.head = this.db.prepare(`SELECT seq, event FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.remove = this.db.prepare(`DELETE FROM outbox WHERE seq <= ?`);
    this.count = this.db.prepare(`SELECT count(*) AS n FROM outbox`);
  }

  /** Commits the event to disk and returns its sequence number. Throws when the disk refuses. */
  append(event: RuntimeEvent): number {
    return Number(this.insert.run(JSON.stringify(event)).lastInsertRowid);
  }

  /** The oldest unacknowledged events, in sequence order (after `afterSeq` when given). */
  peek(limit: number, afterSeq = 0): SpooledEvent[] {
    return this.head.all(afterSeq, limit).map((r) => ({ seq: r.seq, event: JSON.parse(r.event) as RuntimeEvent }));
  }

  /** The server has stored everything up to `seq`: forget it. */
  acknowledge(seq: number): void {
    this.remove.run(seq);
  }

  /** Events waiting for an acknowledgement. */
  pending(): number {
    return this.closed ? 0 : this.count.get()!.n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
