/**
 * How the re-matcher notices a new vulnerability database build cheaply: first the file's identity
 * (inode, size, modification time: `db update` renames a finished copy over the old file, so a new
 * build is a new inode), and only when that moved, the build's own stamp, the `updated_at` the
 * database records in its meta table (what `bulkhead db status` shows). A file touched without a
 * new build therefore does not start a re-match.
 */
import { stat } from 'node:fs/promises';
import { openVulnDb } from '../../vuln/index.js';

/** `ino:size:mtime` of the file, or undefined when it does not exist (yet). */
export async function fileStamp(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The build stamp the database records (its last update time), or the file stamp when it has none. */
export function buildStamp(path: string, file: string): string {
  const db = openVulnDb(path);
  try {
    return db.status().updatedAt ?? `file:${file}`;
  } finally {
    db.close();
  }
}
