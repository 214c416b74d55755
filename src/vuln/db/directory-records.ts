import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZipMember } from './zip-records.js';

/** One OSV record is a few kB; the same cap as for zip members. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

/**
 * A local source may hold an ecosystem as a folder of loose OSV JSON files instead of `all.zip`
 * (`<dir>/<Ecosystem>/*.json`, e.g. a checkout of an advisory repository, or the demo data Bulkhead
 * ships). Returns the folder and a fingerprint of its listing (names, sizes, mtimes) that stands in
 * for the archive's digest, so an unchanged folder is not re-applied.
 */
export function recordDirectory(url: string): { dir: string; fingerprint: string; files: string[] } | undefined {
  if (!url.startsWith('file:')) return undefined;
  const dir = fileURLToPath(url);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.json'))
    .sort();
  if (files.length === 0) return undefined;
  const hash = createHash('sha256');
  for (const f of files) {
    const st = statSync(join(dir, f));
    hash.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return { dir, fingerprint: `listing:${hash.digest('hex')}`, files };
}

/** The records of a folder, one at a time, in the shape the export applier reads. */
export async function* directoryJsonMembers(dir: string, files: string[], warn: (m: string) => void): AsyncGenerator<ZipMember> {
  for (const name of files) {
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    if (st.size > MAX_RECORD_BYTES) {
      warn(`${path}: ${st.size} bytes, over the ${MAX_RECORD_BYTES}-byte record cap; skipped`);
      continue;
    }
    yield { name, data: await readFile(path) };
  }
}
