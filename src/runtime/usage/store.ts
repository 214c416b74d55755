/**
 * The usage store: one JSON document per image id under `<state-dir>/usage/`, named after the id with
 * ':' replaced by '-' (`sha256-<hex>.json`), written atomically (temporary file, then rename) so a
 * reader never sees half a record.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { imageNameOf } from '../probes/container-lookup.js';
import type { UsageRecord } from './types.js';

export function usageDir(stateDir: string): string {
  return join(stateDir, 'usage');
}

export function usageFile(stateDir: string, imageId: string): string {
  if (!/^[a-z0-9]+:[0-9a-f]{32,}$/.test(imageId)) throw new BulkheadError('USAGE', `image id "${imageId}": expected ALGORITHM:HEX (a config digest)`, { input: imageId });
  return join(usageDir(stateDir), `${imageId.replace(':', '-')}.json`);
}

async function readRecord(file: string): Promise<UsageRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BulkheadError('INPUT_INVALID', `usage record ${file}: not valid JSON`, { input: file, cause: e });
  }
  const r = value as Partial<UsageRecord>;
  if (r.schema !== 1 || typeof r.imageId !== 'string' || typeof r.executables !== 'object') {
    throw new BulkheadError('INPUT_INVALID', `usage record ${file}: not a schema 1 usage record`, { input: file });
  }
  return r as UsageRecord;
}

/** Every stored record, most recently seen first. */
export async function listUsage(stateDir: string): Promise<UsageRecord[]> {
  let names: string[];
  try {
    names = await readdir(usageDir(stateDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const records: UsageRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const record = await readRecord(join(usageDir(stateDir), name));
    if (record) records.push(record);
  }
  return records.sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
}

/**
 * The record of an image given by id (`sha256:...`, or a unique prefix of at least 12 hex digits),
 * by the name the containers used (`nginx:1.25`), or by repository (`nginx`: the most recently seen).
 */
export async function loadUsage(stateDir: string, imageIdOrName: string): Promise<UsageRecord | undefined> {
  const wanted = imageIdOrName.trim();
  if (/^sha256:[0-9a-f]{64}$/.test(wanted)) return readRecord(usageFile(stateDir, wanted));
  const all = await listUsage(stateDir);
  const hex = wanted.replace(/^sha256:/, '');
  if (/^[0-9a-f]{12,64}$/.test(hex)) {
    const byPrefix = all.filter((r) => r.imageId.slice('sha256:'.length).startsWith(hex));
    if (byPrefix.length === 1) return byPrefix[0];
  }
  return all.find((r) => r.image === wanted) ?? all.find((r) => r.repoDigests?.some((d) => d === wanted)) ?? all.find((r) => imageNameOf(r.image) === imageNameOf(wanted));
}

/** Writes a record atomically (temporary file in the same folder, then rename). */
export async function saveUsage(stateDir: string, record: UsageRecord): Promise<void> {
  const file = usageFile(stateDir, record.imageId);
  await mkdir(usageDir(stateDir), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(record, null, 1) + '\n', { mode: 0o644 });
  await rename(temp, file);
}

/** Reads the stored record of an image id, if any (the recorder's starting point). */
export function readUsage(stateDir: string, imageId: string): Promise<UsageRecord | undefined> {
  return readRecord(usageFile(stateDir, imageId));
}
