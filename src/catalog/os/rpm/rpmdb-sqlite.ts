import type DatabaseType from 'better-sqlite3';
import { lazyModule } from '../../../lazy-module.js';

const Database = lazyModule<typeof DatabaseType>('better-sqlite3');

/**
 * rpm ≥ 4.16's default backend (lib/backend/sqlite.c): table `Packages(hnum INTEGER PRIMARY KEY,
 * blob BLOB)`, one header blob per installed package. The file is opened from memory, read-only,
 * so nothing from the image touches the disk.
 */
export function readSqliteRpmdb(file: Buffer): Buffer[] {
  const db = new (Database())(rollbackJournalMode(file), { readonly: true });
  try {
    const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as Array<{ blob: unknown }>;
    return rows.map((r) => r.blob).filter((b): b is Buffer => Buffer.isBuffer(b));
  } finally {
    db.close();
  }
}

/**
 * rpm writes its database in WAL mode; an in-memory copy cannot use a WAL, so the file format
 * version bytes (SQLite file format, "1.3 The Database Header", offsets 18 and 19: 2 = WAL) are set
 * back to 1 (rollback journal) on a copy. The main file's pages are complete once rpm has closed
 * the database (it checkpoints on close).
 */
function rollbackJournalMode(file: Buffer): Buffer {
  if (file.length < 100 || file[18] !== 2 || file[19] !== 2) return file;
  const copy = Buffer.from(file);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}
