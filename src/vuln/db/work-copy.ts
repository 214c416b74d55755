import type DatabaseType from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';
import { lazyModule } from '../../lazy-module.js';
import { integrityProblem, replaceAtomically } from './atomic-replace.js';
import { openSqlite } from './open.js';
import { createSchema } from './schema.js';

const Database = lazyModule<typeof DatabaseType>('better-sqlite3');

/**
 * A writable copy of the database at `workPath`: a `VACUUM INTO` snapshot of the current file
 * (https://sqlite.org/lang_vacuum.html#vacuuminto) or, with none, an empty database of this schema.
 * Writes skip fsync (`synchronous = OFF`): the file is only trusted after `finishWorkCopy` has
 * checked and synced it.
 */
export function atomicWorkCopy(dbPath: string, workPath: string, copyExisting: boolean): DatabaseType.Database {
  if (copyExisting) {
    const old = openSqlite(dbPath, true);
    try {
      old.prepare('VACUUM INTO ?').run(workPath);
    } catch (e) {
      throw new BulkheadError('OUTPUT_FAILED', `${workPath}: cannot copy the database (${(e as Error).message})`, { input: workPath, cause: e });
    } finally {
      old.close();
    }
  }
  const db = new (Database())(workPath);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  if (!copyExisting) createSchema(db);
  return db;
}

/** Checks, closes and renames a work copy over the database; the work copy is gone either way on failure. */
export async function finishWorkCopy(db: DatabaseType.Database, workPath: string, dbPath: string): Promise<void> {
  const problem = integrityProblem(db);
  db.close();
  if (problem) throw new BulkheadError('VULN_DB_INVALID', `${workPath}: the new database failed its integrity check (${problem}); previous database kept`, { input: workPath });
  await replaceAtomically(workPath, dbPath);
}
