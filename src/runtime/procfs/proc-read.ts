/**
 * Small readers over /proc that treat a vanished process as normal: ENOENT and ESRCH (the pid ended
 * between listing and reading) give undefined and nothing else. Other errors also give undefined but
 * are handed to `onError`, so the probe can say once that something is unreadable.
 */
import { readFileSync, readlinkSync, readdirSync, statSync } from 'node:fs';

export type ProcErrorHandler = (path: string, error: NodeJS.ErrnoException) => void;

const VANISHED = new Set(['ENOENT', 'ESRCH']);

function guarded<T>(path: string, onError: ProcErrorHandler, read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (!VANISHED.has(error.code ?? '')) onError(path, error);
    return undefined;
  }
}

export function readProcText(path: string, onError: ProcErrorHandler): string | undefined {
  return guarded(path, onError, () => readFileSync(path, 'utf8'));
}

export function readProcLink(path: string, onError: ProcErrorHandler): string | undefined {
  return guarded(path, onError, () => readlinkSync(path));
}

export function listProcDir(path: string, onError: ProcErrorHandler): string[] | undefined {
  return guarded(path, onError, () => readdirSync(path));
}

/** st_dev of the file a /proc link points to (stat follows the link). */
export function statDevice(path: string, onError: ProcErrorHandler): number | undefined {
  return guarded(path, onError, () => statSync(path).dev);
}
