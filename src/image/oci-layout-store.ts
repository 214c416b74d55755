import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BulkheadError } from '../errors.js';
import { splitDigest } from './digest.js';
import { LIMITS } from './limits.js';
import type { TarIndex } from './tar-index.js';

/**
 * Where the files of an image layout live: a directory (`oci:`) or the members of a tar file
 * (`oci-archive:`, `docker-archive:`). Names are relative to the layout root (`index.json`,
 * `blobs/sha256/HEX`), links already resolved by the store.
 */
export interface LayoutStore {
  /** Names the layout in messages. */
  readonly what: string;
  has(name: string): Promise<boolean>;
  /** Reads a document whole; INPUT_INVALID when missing, SIZE_LIMIT over `LIMITS.maxDocumentBytes`. */
  read(name: string): Promise<Buffer>;
  /** Size of a file, for the start of a stream. */
  size(name: string): Promise<number>;
  stream(name: string): Promise<Readable>;
  /** Where a file's bytes sit on disk, so a layer worker can read them itself. */
  range?(name: string): Promise<FileRange>;
}

/** Bytes `start` to `end` (inclusive) of a local file. */
export interface FileRange {
  path: string;
  start: number;
  end: number;
}

/** OCI image spec, image-layout.md "Blobs": `blobs/<alg>/<encoded>`; splitDigest refuses anything else. */
export function blobPath(digest: string, what: string): string {
  const { algorithm, hex } = splitDigest(digest, what);
  return `blobs/${algorithm}/${hex}`;
}

export function tarStore(index: TarIndex, what: string): LayoutStore {
  return {
    what,
    has: async (name) => index.has(name),
    read: async (name) => index.read(index.file(name, what), `${what}: ${name}`),
    size: async (name) => index.file(name, what).size,
    stream: async (name) => index.stream(index.file(name, what)),
    range: async (name) => {
      const member = index.file(name, what);
      return { path: index.path, start: member.offset, end: member.offset + member.size - 1 };
    },
  };
}

export function dirStore(root: string, what: string): LayoutStore {
  const full = (name: string) => join(root, name);
  const missing = (name: string, e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new BulkheadError('INPUT_INVALID', `${what}: the layout has no "${name}"`, { input: root, cause: e });
    return new BulkheadError('INPUT_INVALID', `${what}: cannot read "${name}" (${(e as Error).message})`, { input: root, cause: e });
  };
  const fileSize = async (name: string) => {
    try {
      const st = await stat(full(name));
      if (!st.isFile()) throw new BulkheadError('INPUT_INVALID', `${what}: "${name}" is not a regular file`, { input: root });
      return st.size;
    } catch (e) {
      if (e instanceof BulkheadError) throw e;
      throw missing(name, e);
    }
  };
  return {
    what,
    has: async (name) => {
      try {
        return (await stat(full(name))).isFile();
      } catch {
        return false;
      }
    },
    size: fileSize,
    range: async (name) => ({ path: full(name), start: 0, end: (await fileSize(name)) - 1 }),
    read: async (name) => {
      let fh;
      try {
        fh = await open(full(name), 'r');
      } catch (e) {
        throw missing(name, e);
      }
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new BulkheadError('INPUT_INVALID', `${what}: "${name}" is not a regular file`, { input: root });
        if (st.size > LIMITS.maxDocumentBytes) {
          throw new BulkheadError('SIZE_LIMIT', `${what}: ${name} is ${st.size} bytes, over the ${LIMITS.maxDocumentBytes}-byte limit for a document`, { input: root });
        }
        const buf = Buffer.alloc(st.size);
        let got = 0;
        while (got < buf.length) {
          const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return buf.subarray(0, got);
      } finally {
        await fh.close();
      }
    },
    stream: async (name) => {
      await fileSize(name);
      return createReadStream(full(name), { highWaterMark: 1 << 20 });
    },
  };
}

/** Parses a JSON document, MANIFEST_INVALID naming the document when it is not a JSON object. */
export function parseJsonObject(data: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: not valid JSON (${(e as Error).message})`, { input: what, cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: expected a JSON object`, { input: what });
  }
  return value as Record<string, unknown>;
}
