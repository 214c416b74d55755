import { open, readFile, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BulkheadError } from '../../errors.js';

/**
 * An exclusive lock beside the database (`<db>.lock`, created with O_EXCL, holding the owner's pid),
 * so two updates or imports do not race. A lock whose process is gone (killed mid-update) is stale and
 * taken over, and the work files that process left are removed.
 */
export async function acquireDbLock(dbPath: string): Promise<() => Promise<void>> {
  const lockPath = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      await removeLeftovers(dbPath);
      return async () => {
        await unlink(lockPath).catch(() => {});
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new BulkheadError('OUTPUT_FAILED', `${lockPath}: cannot create the lock file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { input: lockPath, cause: e });
      }
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new BulkheadError('VULN_DB_LOCKED', `${dbPath}: another update or import is running (pid ${pid}, lock ${lockPath})`, { input: dbPath });
      }
      await unlink(lockPath).catch(() => {}); // stale: its owner is gone
    }
  }
  throw new BulkheadError('VULN_DB_LOCKED', `${dbPath}: could not take the lock ${lockPath}`, { input: dbPath });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Work files are `.<db name>.<random>.<kind>` in the database's folder; only the lock holder may clean them. */
export function workFilePath(dbPath: string, random: string, kind: string): string {
  return join(dirname(dbPath), `.${basename(dbPath)}.${random}.${kind}`);
}

async function removeLeftovers(dbPath: string): Promise<void> {
  const prefix = `.${basename(dbPath)}.`;
  const names = await readdir(dirname(dbPath)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && /\.(tmp|download|tmp-journal)$/.test(name)) await unlink(join(dirname(dbPath), name)).catch(() => {});
  }
}
