import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type DatabaseType from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';

/** `PRAGMA integrity_check` (https://sqlite.org/pragma.html#pragma_integrity_check): "ok" or the problems. */
export function integrityProblem(db: DatabaseType.Database): string | undefined {
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const text = rows.map((r) => r.integrity_check).join('; ');
    return text === 'ok' ? undefined : text;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Makes a finished work file the database: fsync the file, rename it over the old one (atomic on
 * POSIX within one file system), fsync the folder so the rename itself survives a crash. Readers
 * that opened the old file keep reading the old inode.
 */
export async function replaceAtomically(workPath: string, dbPath: string): Promise<void> {
  try {
    const file = await open(workPath, 'r+');
    await file.sync();
    await file.close();
    await rename(workPath, dbPath);
    const dir = await open(dirname(dbPath), 'r');
    await dir.sync().catch(() => {}); // some file systems refuse fsync on a directory
    await dir.close();
  } catch (e) {
    throw new BulkheadError('OUTPUT_FAILED', `${dbPath}: cannot replace the database (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { input: dbPath, cause: e });
  }
}
