import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TarReader } from './tar-reader.js';
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


/** Picks the decompressor by magic bytes: media types lie often enough (Docker archives say tar for gzip). */
export async function decompress(raw: Readable, what: string): Promise<Readable> {
  const head = await peek(raw, 4);
  const corrupt = (e: unknown, kind: string) =>
    e instanceof BulkheadError ? e : new BulkheadError('LAYER_CORRUPT', `${what}: ${kind} data is corrupt (${e instanceof Error ? e.message : String(e)})`, { input: what, cause: e });
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
    // returned directly, without an extra pass-through: every hop costs on large layers
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    const onRawError = (e: Error) => gunzip.destroy(corrupt(e, 'layer'));
    raw.on('error', onRawError);
    raw.pipe(gunzip);
    const wrapped = gunzip as Readable;
    const emit = gunzip.emit.bind(gunzip);
    // zlib's own errors become LAYER_CORRUPT with the layer named
    gunzip.emit = ((event: string, ...args: unknown[]) => (event === 'error' ? emit('error', corrupt(args[0], 'gzip')) : emit(event, ...args))) as typeof gunzip.emit;
    return wrapped;
  }
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const fail = (e: unknown, kind: string) => out.destroy(corrupt(e, kind));
  raw.on('error', (e) => fail(e, 'layer'));
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
  const reader = new TarReader(data[Symbol.asyncIterator]() as AsyncIterator<Buffer>, what);
  let count = 0;
  try {
    for (;;) {
      const h = await reader.next();
      if (!h) break;
      signal?.throwIfAborted();
      if (++count > LIMITS.maxEntriesPerLayer) {
        throw new BulkheadError('SIZE_LIMIT', `${what}: more than ${LIMITS.maxEntriesPerLayer} entries in one layer`, { input: what });
      }
      let type = entryType(h.typeflag);
      // Sparse files (GNU tar --sparse): PAX 1.0 ones carry their real name and size in PAX records,
      // old GNU ones ('S') in the header. Their stored bytes are a sparse map plus data, never the
      // file's content, so they are listed with their real size but not analysed.
      const sparseName = h.pax?.['GNU.sparse.name'];
      const sparse = sparseName !== undefined || h.typeflag === 'S';
      if (sparse) type = 'file';
      const size = sparse ? Number(h.pax?.['GNU.sparse.realsize'] ?? h.pax?.['GNU.sparse.size'] ?? h.realSize ?? h.size) : h.size;
      const path = sanitizeEntryPath(sparseName ?? h.name, what);
      if (path === '') continue;
      let consumed = false;
      const stored = h.size;
      const layerEntry: LayerEntry = {
        path,
        type,
        mode: h.mode,
        size,
        ...(sparse ? { sparse: true } : {}),
        uid: h.uid,
        gid: h.gid,
        ...(h.mtime ? { mtime: h.mtime * 1000 } : {}),
        ...(h.linkname && (type === 'hardlink' || type === 'symlink') ? { linkTarget: type === 'hardlink' ? sanitizeEntryPath(h.linkname, what) : h.linkname } : {}),
        read: async (maxBytes: number) => {
          if (consumed) throw new BulkheadError('INTERNAL', `${what}: entry ${printable(h.name)} read twice`);
          consumed = true;
          if (sparse || stored > maxBytes) return undefined;
          return reader.readData();
        },
      };
      yield layerEntry;
    }
    // Drain what follows the end-of-archive blocks so the digest check at the end of the blob runs.
    await reader.drain();
  } catch (e) {
    throw tarError(e, what);
  } finally {
    data.destroy();
  }
}

function entryType(flag: string): EntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

function tarError(e: unknown, what: string): BulkheadError {
  if (e instanceof BulkheadError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new BulkheadError('LAYER_CORRUPT', `${what}: not a valid tar stream (${reason})`, { input: what, cause: e });
}
