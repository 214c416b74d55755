import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { BulkheadError } from '../errors.js';
import type { OpenOptions } from './options.js';
import { TarIndex } from './tar-index.js';

/** An indexed outer tar, and how to release what opening it took (a spool directory). */
export interface OuterTar {
  index: TarIndex;
  close(): Promise<void>;
}

/**
 * Indexes an image archive. `docker load` also takes `docker save | gzip`, which cannot be read at
 * positions, so a gzip-compressed archive is decompressed once into a private temporary directory
 * (removed by close()); a plain tar is read in place.
 */
export async function openOuterTar(path: string, what: string, options: OpenOptions): Promise<OuterTar> {
  if (!(await isGzip(path, what))) return { index: await TarIndex.open(path, what), close: async () => {} };
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'bulkhead-archive-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const spooled = join(dir, 'archive.tar');
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(spooled, { mode: 0o600 }), { signal: options.signal });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: corrupt gzip compression (${(e as Error).message})`, { input: path, cause: e });
    }
    return { index: await TarIndex.open(spooled, what), close: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function isGzip(path: string, what: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BulkheadError('INPUT_NOT_FOUND', `${what}: no such file`, { input: path, cause: e });
    throw new BulkheadError('INPUT_INVALID', `${what}: cannot open (${(e as Error).message})`, { input: path, cause: e });
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0).catch((e: unknown) => {
      throw new BulkheadError('INPUT_INVALID', `${what}: cannot read (${(e as Error).message})`, { input: path, cause: e });
    });
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
