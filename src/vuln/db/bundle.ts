import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { BulkheadError } from '../../errors.js';
import { integrityProblem, replaceAtomically } from './atomic-replace.js';
import { DownloadDigests } from './digests.js';
import { acquireDbLock, workFilePath } from './lock.js';
import { openSqlite, openVulnDb, schemaVersionOf } from './open.js';
import { SCHEMA_VERSION } from './schema.js';

/**
 * Offline bundle: one file, `MAGIC`, one line of JSON manifest, then the database gzipped. The
 * manifest's sha256 and size are of the uncompressed database, so import checks exactly what it
 * will install.
 */
const MAGIC = 'BULKHEAD-VULNDB-BUNDLE 1\n';
const MAX_MANIFEST = 64 * 1024;

export interface BundleManifest {
  format: 'bulkhead-vulndb';
  schemaVersion: number;
  created: string;
  updatedAt?: string;
  size: number;
  sha256: string;
}

/** Writes a bundle of the database (a consistent `VACUUM INTO` snapshot), atomically. */
export async function exportVulnDb(dbPath: string, bundlePath: string): Promise<BundleManifest> {
  const status = openVulnDb(dbPath); // refuses a missing or foreign database with its own message
  const updatedAt = status.status().updatedAt;
  status.close();
  const random = randomBytes(6).toString('hex');
  const snapshot = workFilePath(dbPath, random, 'export');
  const outTmp = `${bundlePath}.${random}.tmp`;
  try {
    const db = openSqlite(dbPath, true);
    try {
      db.prepare('VACUUM INTO ?').run(snapshot);
    } finally {
      db.close();
    }
    const digests = new DownloadDigests();
    await pipeline(createReadStream(snapshot), new Transform({ transform: (c: Buffer, _e, cb) => (digests.update(c), cb()) }).resume());
    const { sha256, bytes } = digests.finish();
    const manifest: BundleManifest = { format: 'bulkhead-vulndb', schemaVersion: SCHEMA_VERSION, created: new Date().toISOString(), ...(updatedAt ? { updatedAt } : {}), size: bytes, sha256 };
    const out = createWriteStream(outTmp, { mode: 0o644 });
    out.write(MAGIC + JSON.stringify(manifest) + '\n');
    await pipeline(createReadStream(snapshot), createGzip({ level: 9 }), out);
    const handle = await open(outTmp, 'r+');
    await handle.sync();
    await handle.close();
    await rename(outTmp, bundlePath);
    return manifest;
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('OUTPUT_FAILED', `${bundlePath}: cannot write the bundle (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { input: bundlePath, cause: e });
  } finally {
    await unlink(snapshot).catch(() => {});
    await unlink(outTmp).catch(() => {});
  }
}

/**
 * Installs a bundle as the database: the manifest is read, the database inflated beside the target
 * while hashed, its SHA-256 and size compared with the manifest, its schema version and
 * `PRAGMA integrity_check` verified, and only then renamed over the old file (under the update lock).
 */
export async function importVulnDb(bundlePath: string, dbPath: string): Promise<BundleManifest> {
  if (!existsSync(bundlePath)) throw new BulkheadError('INPUT_NOT_FOUND', `${bundlePath}: no such bundle file`, { input: bundlePath });
  const invalid = (reason: string) => new BulkheadError('BUNDLE_INVALID', `${bundlePath}: ${reason}`, { input: bundlePath });
  const { manifest, bodyOffset } = await readManifest(bundlePath, invalid);
  await mkdir(dirname(dbPath), { recursive: true });
  const release = await acquireDbLock(dbPath);
  const workPath = workFilePath(dbPath, randomBytes(6).toString('hex'), 'tmp');
  try {
    const digests = new DownloadDigests();
    try {
      await pipeline(
        createReadStream(bundlePath, { start: bodyOffset }),
        createGunzip(),
        new Transform({
          transform(c: Buffer, _e, cb) {
            digests.update(c);
            cb(digests.bytes > manifest.size ? new Error(`more than the ${manifest.size} bytes the manifest declares`) : null, c);
          },
        }),
        createWriteStream(workPath, { mode: 0o644 }),
      );
    } catch (e) {
      throw invalid(`damaged database stream (${(e as Error).message})`);
    }
    const got = digests.finish();
    if (got.bytes !== manifest.size || got.sha256 !== manifest.sha256) {
      throw invalid(`database checksum mismatch (sha256 ${got.sha256}, ${got.bytes} bytes; manifest says ${manifest.sha256}, ${manifest.size} bytes)`);
    }
    const db = openSqlite(workPath, false);
    try {
      const version = schemaVersionOf(db, bundlePath);
      if (version !== SCHEMA_VERSION) throw invalid(`database schema version ${version}, this Bulkhead reads ${SCHEMA_VERSION}`);
      const problem = integrityProblem(db);
      if (problem) throw invalid(`database integrity check failed (${problem})`);
    } finally {
      db.close();
    }
    await replaceAtomically(workPath, dbPath);
    return manifest;
  } finally {
    await unlink(workPath).catch(() => {});
    await release();
  }
}

async function readManifest(path: string, invalid: (r: string) => BulkheadError): Promise<{ manifest: BundleManifest; bodyOffset: number }> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(MAGIC.length + MAX_MANIFEST);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw invalid('not a vulnerability database bundle (bad magic)');
  const end = head.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw invalid('manifest line missing or too long');
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(head.subarray(MAGIC.length, end).toString('utf8')) as BundleManifest;
  } catch (e) {
    throw invalid(`manifest is not JSON (${(e as Error).message})`);
  }
  if (manifest.format !== 'bulkhead-vulndb' || typeof manifest.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(manifest.sha256) || !Number.isSafeInteger(manifest.size)) {
    throw invalid('manifest lacks format, sha256 or size');
  }
  if (manifest.schemaVersion !== SCHEMA_VERSION) throw invalid(`bundle schema version ${manifest.schemaVersion}, this Bulkhead reads ${SCHEMA_VERSION}`);
  return { manifest, bodyOffset: end + 1 };
}
