import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { Decompress as ZstdDecompress } from 'fzstd';
import { BulkheadError } from '../errors.js';
import { LIMITS } from './limits.js';
import type { EntryType, LayerEntry } from './types.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * Normalises a path from a tar header to `a/b/c`. Absolute paths and `..` components are refused:
 * layer tars hold relative paths (OCI image spec, layer.md "File Types"), and a path that climbs
 * out of the root is an attack on tools that extract, which Bulkhead never does.
 */
export function sanitizeEntryPath(name: string, what: string): string {
  if (name.includes('\0')) throw new BulkheadError('UNSAFE_PATH', `${what}: entry name contains a NUL byte`, { input: what });
  let p = name.replace(/^(\.\/)+/, '');
  if (p.startsWith('/')) throw new BulkheadError('UNSAFE_PATH', `${what}: entry "${printable(name)}" has an absolute path`, { input: what });
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new BulkheadError('UNSAFE_PATH', `${what}: entry "${printable(name)}" climbs out of the root with ".."`, { input: what });
    parts.push(part);
  }
  p = parts.join('/');
  return p;
}

/** Makes hostile names safe to print on one line. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).slice(0, 300);
}

function entryType(t: string | null | undefined): EntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Picks the decompressor by magic bytes: media types lie often enough (Docker archives say tar for gzip). */
export async function decompress(raw: Readable, what: string): Promise<Readable> {
  const head = await peek(raw, 4);
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const fail = (e: unknown, kind: string) => {
    const reason = e instanceof Error ? e.message : String(e);
    out.destroy(e instanceof BulkheadError ? e : new BulkheadError('LAYER_CORRUPT', `${what}: ${kind} data is corrupt (${reason})`, { input: what, cause: e }));
  };
  raw.on('error', (e) => fail(e, 'layer'));
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    gunzip.on('error', (e) => fail(e, 'gzip'));
    raw.pipe(gunzip).pipe(out);
    return out;
  }
  if (head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b)) {
    const zstd = new ZstdDecompress((chunk, final) => {
      if (chunk.length) out.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      if (final) out.end();
    });
    raw.on('data', (chunk: Buffer) => {
      try {
        zstd.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      } catch (e) {
        fail(e, 'zstd');
        raw.destroy();
      }
    });
    raw.on('end', () => {
      try {
        zstd.push(new Uint8Array(0), true);
      } catch (e) {
        fail(e, 'zstd');
      }
    });
    return out;
  }
  raw.pipe(out);
  return out;
}

/** Reads the first bytes of a stream and puts them back. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= n) break;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const done = () => {
        cleanup();
        resolve(false);
      };
      const end = () => {
        cleanup();
        resolve(true);
      };
      const err = (e: Error) => {
        cleanup();
        reject(e);
      };
      const cleanup = () => {
        stream.off('readable', done);
        stream.off('end', end);
        stream.off('error', err);
      };
      stream.once('readable', done);
      stream.once('end', end);
      stream.once('error', err);
    });
    if (ended) break;
  }
  const all = Buffer.concat(chunks);
  if (all.length) stream.unshift(all);
  return all.subarray(0, n);
}

/**
 * Streams the entries of a (possibly compressed) layer tar. Nothing is written to disk; an entry's
 * bytes are buffered only when a caller asks, up to its cap.
 */
export async function* tarEntries(raw: Readable, what: string, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
  const data = await decompress(raw, what);
  const extract = tarStream.extract();
  data.on('error', (e) => extract.destroy(e));
  data.pipe(extract);
  let count = 0;
  try {
    for await (const entry of extract) {
      signal?.throwIfAborted();
      if (++count > LIMITS.maxEntriesPerLayer) {
        throw new BulkheadError('SIZE_LIMIT', `${what}: more than ${LIMITS.maxEntriesPerLayer} entries in one layer`, { input: what });
      }
      const h = entry.header;
      let type = entryType(h.type);
      // PAX 1.0 sparse files (GNU tar --sparse --format=pax) carry their real name and size in PAX
      // records; their stored bytes are a sparse map plus data, never the file's content, so they are
      // listed but not analysed. Old GNU sparse headers ('S') come through as type 'other'.
      const pax = (h.pax ?? {}) as Record<string, string | undefined>;
      const sparseName = pax['GNU.sparse.name'];
      const sparse = sparseName !== undefined || h.type === null;
      if (sparseName !== undefined) type = 'file';
      const realSize = Number(pax['GNU.sparse.realsize'] ?? pax['GNU.sparse.size'] ?? h.size ?? 0);
      const path = sanitizeEntryPath(sparseName ?? h.name, what);
      if (path === '') {
        entry.resume();
        continue;
      }
      let consumed = false;
      const layerEntry: LayerEntry = {
        path,
        type,
        mode: h.mode ?? 0,
        size: realSize,
        ...(sparse ? { sparse: true } : {}),
        uid: h.uid ?? 0,
        gid: h.gid ?? 0,
        ...(h.mtime ? { mtime: h.mtime.getTime() } : {}),
        ...(h.linkname ? { linkTarget: type === 'hardlink' ? sanitizeEntryPath(h.linkname, what) : h.linkname } : {}),
        read: async (maxBytes: number) => {
          if (consumed) throw new BulkheadError('INTERNAL', `${what}: entry ${h.name} read twice`);
          consumed = true;
          if (sparse || (h.size ?? 0) > maxBytes) {
            entry.resume();
            return undefined;
          }
          const chunks: Buffer[] = [];
          for await (const chunk of entry) chunks.push(chunk as Buffer);
          return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        },
      };
      yield layerEntry;
      if (!consumed) entry.resume();
    }
  } catch (e) {
    throw tarError(e, what);
  } finally {
    data.unpipe(extract);
  }
  // Drain what follows the end-of-archive blocks so the digest check at the end of the blob runs.
  await drain(data, what);
}

function tarError(e: unknown, what: string): BulkheadError {
  if (e instanceof BulkheadError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  if (/unexpected end/i.test(reason)) return new BulkheadError('LAYER_CORRUPT', `${what}: the tar stream is truncated (${reason})`, { input: what, cause: e });
  return new BulkheadError('LAYER_CORRUPT', `${what}: not a valid tar stream (${reason})`, { input: what, cause: e });
}

async function drain(stream: Readable, what: string): Promise<void> {
  if (stream.readableEnded) return;
  try {
    for await (const _ of stream) {
      /* discard */
    }
  } catch (e) {
    throw tarError(e, what);
  }
}
