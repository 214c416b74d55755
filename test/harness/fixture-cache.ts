/**
 * The fixture cache: `$BULKHEAD_FIXTURES` or `~/.cache/bulkhead-fixtures`. Each fixture is a folder
 * named by its recipe version; it is built in a private temporary folder under a lock and renamed
 * into place only when complete (a `complete` marker is written last), so a half-built fixture from
 * a killed run is never reused, and two test processes never build the same fixture at once.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MARKER = 'complete';
const LOCK_STALE_MS = 30 * 60_000;

export function fixturesRoot(): string {
  const root = process.env.BULKHEAD_FIXTURES || join(homedir(), '.cache', 'bulkhead-fixtures');
  mkdirSync(root, { recursive: true });
  return root;
}

/**
 * Returns the folder of fixture `key`, building it with `build(tmpDir)` first when it is missing or
 * incomplete. `build` writes everything into `tmpDir`; on success the folder is renamed to its final
 * name and marked complete.
 */
export async function cachedFixture(key: string, build: (tmpDir: string) => Promise<void>): Promise<string> {
  const root = fixturesRoot();
  const finalDir = join(root, key);
  if (isComplete(finalDir)) return finalDir;

  const lockDir = join(root, `${key}.lock`);
  await acquireLock(lockDir);
  try {
    // Another process may have finished it while we waited for the lock.
    if (isComplete(finalDir)) return finalDir;
    rmSync(finalDir, { recursive: true, force: true });
    const tmpDir = join(root, `${key}.tmp-${process.pid}`);
    rmSync(tmpDir, { recursive: true, force: true });
    mkdirSync(tmpDir, { recursive: true });
    try {
      await build(tmpDir);
      writeFileSync(join(tmpDir, MARKER), new Date().toISOString() + '\n');
      renameSync(tmpDir, finalDir);
    } catch (e) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw e;
    }
    return finalDir;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isComplete(dir: string): boolean {
  return existsSync(join(dir, MARKER));
}

/** `mkdir` is atomic: whoever creates the lock folder owns it. A dead owner's lock is taken over. */
async function acquireLock(lockDir: string): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (lockIsStale(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function lockIsStale(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch {
        return true; // owner is gone
      }
    }
    return Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS;
  } catch {
    // The pid file is not written yet (or the lock just vanished): not stale unless it is old.
    try {
      return Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS;
    } catch {
      return false;
    }
  }
}
