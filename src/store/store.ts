/**
 * Opens the server's database: SQLite (a file, embedded, the default) or PostgreSQL
 * (`postgres://...`, for several server workers), migrated to the current schema on open.
 */
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BulkheadError } from '../errors.js';
import { migrationProvider, type Dialect } from './migrations.js';
import type { StoreSchema } from './schema.js';

export interface Store {
  db: Kysely<StoreSchema>;
  dialect: Dialect;
  /** Where it is, with any password removed. */
  display: string;
  close(): Promise<void>;
}

/** `postgres://user:pass@host/db` (or `postgresql://`), else a SQLite file path (`sqlite:PATH` also accepted). */
export async function openStore(location: string): Promise<Store> {
  const isPostgres = /^postgres(ql)?:\/\//u.test(location);
  let db: Kysely<StoreSchema>;
  let display: string;
  if (isPostgres) {
    const pg = (await import('pg')).default;
    const url = new URL(location);
    display = `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}`;
    const pool = new pg.Pool({ connectionString: location, max: 10 });
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const path = location.replace(/^sqlite:/u, '');
    display = path;
    const Database = (await import('better-sqlite3')).default;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let database;
    try {
      database = new Database(path);
      database.pragma('journal_mode = WAL');
      database.pragma('busy_timeout = 5000');
      database.pragma('foreign_keys = ON');
    } catch (e) {
      throw new BulkheadError('INPUT_INVALID', `${path}: cannot open the server database: ${(e as Error).message}`, { input: path, cause: e });
    }
    db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database }) });
  }
  const dialect: Dialect = isPostgres ? 'postgres' : 'sqlite';
  try {
    const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'a migration';
      throw new BulkheadError('INPUT_INVALID', `${display}: ${failed} failed: ${(error as Error).message}`, { input: display, cause: error });
    }
  } catch (e) {
    await db.destroy();
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('NETWORK_ERROR', `${display}: cannot reach the server database: ${(e as Error).message}`, { input: display, cause: e });
  }
  return { db, dialect, display, close: () => db.destroy() };
}
