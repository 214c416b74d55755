/**
 * The event store's schema and its migrations. `PRAGMA user_version` holds the schema version
 * (https://sqlite.org/pragma.html#pragma_user_version) and `PRAGMA application_id` marks the file as
 * ours, so another SQLite file (the vulnerability database) is refused instead of written into.
 */
import type DatabaseType from 'better-sqlite3';

/** "BHEV" as a big-endian 32-bit number (https://sqlite.org/fileformat.html#application_id). */
export const EVENT_STORE_APPLICATION_ID = 0x42484556;

/**
 * MIGRATIONS[i] takes a database from schema version i to i + 1; version 0 is an empty file.
 * A later version appends a function here (ALTER TABLE, new index, backfill); never edit an old one.
 */
export const MIGRATIONS: ReadonlyArray<(db: DatabaseType.Database) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        time_ms INTEGER NOT NULL,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        container_id TEXT NOT NULL,
        container_name TEXT NOT NULL,
        image TEXT NOT NULL,
        image_digest TEXT NOT NULL,
        pid INTEGER NOT NULL,
        path TEXT NOT NULL,
        action TEXT NOT NULL,
        rule TEXT NOT NULL,
        reason TEXT NOT NULL,
        document TEXT NOT NULL
      );
      CREATE INDEX events_time ON events (time_ms);
      CREATE INDEX events_type_time ON events (type, time_ms);
      CREATE INDEX events_container_id_time ON events (container_id, time_ms);
      CREATE INDEX events_container_name_time ON events (container_name, time_ms);
    `);
  },
];

export const EVENT_STORE_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings `db` from `from` to the current version, one transaction per step. */
export function migrate(db: DatabaseType.Database, from: number): void {
  for (let version = from; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      MIGRATIONS[version]!(db);
      db.pragma(`user_version = ${version + 1}`);
      db.pragma(`application_id = ${EVENT_STORE_APPLICATION_ID}`);
    })();
  }
}
