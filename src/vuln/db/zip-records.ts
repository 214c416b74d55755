import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import type yauzlType from 'yauzl';
import { BulkheadError } from '../../errors.js';
import { lazyModule } from '../../lazy-module.js';

const yauzl = lazyModule<typeof yauzlType>('yauzl');

/** One OSV record is a few kB; the largest real ones (kernel CVEs in Debian) stay far below this. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

export interface ZipMember {
  name: string;
  data: Buffer;
}

/**
 * Streams the `*.json` members of an OSV `all.zip`, one at a time: the archive is read from disk
 * through its central directory (yauzl), so a 200k-member export never sits in memory. yauzl does
 * not check CRC-32 (its README, "No CRC-32 Checking"), so each member's inflated bytes are checked
 * against the central directory's CRC here (APPNOTE.TXT 4.4.7). Any damage is `VULN_SOURCE_CORRUPT`
 * naming the archive and the member.
 */
export async function* zipJsonMembers(path: string, label: string): AsyncGenerator<ZipMember> {
  const corrupt = (reason: string, cause?: unknown) =>
    new BulkheadError('VULN_SOURCE_CORRUPT', `${label}: ${reason}`, { input: label, ...(cause === undefined ? {} : { cause }) });
  const reader = windowedReader(path);
  const zip = await new Promise<yauzlType.ZipFile>((resolve, reject) =>
    yauzl().fromRandomAccessReader(reader, reader.size, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true }, (err, z) =>
      err || !z ? reject(corrupt(`not a readable zip archive (${err?.message ?? 'no archive'})`, err)) : resolve(z),
    ),
  );
  try {
    for (;;) {
      const entry = await nextEntry(zip).catch((e: unknown) => {
        throw corrupt(`damaged zip archive (${(e as Error).message})`, e);
      });
      if (!entry) return;
      if (entry.fileName.endsWith('/') || !entry.fileName.toLowerCase().endsWith('.json')) continue;
      if (entry.uncompressedSize > MAX_RECORD_BYTES) throw corrupt(`${entry.fileName}: declares ${entry.uncompressedSize} bytes, over the ${MAX_RECORD_BYTES}-byte record cap`);
      const data = await readMember(zip, entry).catch((e: unknown) => {
        throw corrupt(`${entry.fileName}: ${(e as Error).message}`, e);
      });
      if (data.length !== entry.uncompressedSize) throw corrupt(`${entry.fileName}: ${data.length} bytes, the directory says ${entry.uncompressedSize}`);
      if ((crc32(data) >>> 0) !== entry.crc32 >>> 0) throw corrupt(`${entry.fileName}: CRC-32 mismatch (member damaged)`);
      yield { name: entry.fileName, data };
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzlType.ZipFile): Promise<yauzlType.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzlType.Entry) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (e: Error) => (cleanup(), reject(e));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/**
 * The member's bytes. yauzl hands over the raw (compressed) range and Bulkhead inflates it in one
 * synchronous call: records are small, and a streaming inflater per member costs more in
 * round trips than the inflation itself (APPNOTE.TXT 4.4.5: method 0 stored, 8 deflated).
 */
function readMember(zip: yauzlType.ZipFile, entry: yauzlType.Entry): Promise<Buffer> {
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return Promise.reject(new Error(`compression method ${entry.compressionMethod} is not supported`));
  }
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, entry.compressionMethod === 0 ? {} : { decompress: false }, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => {
        try {
          const raw = Buffer.concat(chunks);
          resolve(entry.compressionMethod === 0 ? raw : inflateRawSync(raw, { maxOutputLength: MAX_RECORD_BYTES }));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  });
}

const WINDOW_BYTES = 4 * 1024 * 1024;
const WINDOWS = 4;

/**
 * A yauzl random-access reader over a local file that serves reads from a few large windows read
 * synchronously. An export is read in two sequential sweeps at once (the central directory at the
 * end, member data from the start); thousands of small asynchronous reads would otherwise leave the
 * process waiting on the thread pool most of the time.
 */
function windowedReader(path: string): yauzlType.RandomAccessReader & { size: number } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  const windows: { start: number; data: Buffer }[] = [];
  const Reader = yauzl().RandomAccessReader as unknown as new () => yauzlType.RandomAccessReader;
  const reader = new Reader() as yauzlType.RandomAccessReader & { size: number; _readStreamForRange(start: number, end: number): Readable };
  reader.size = size;
  const windowAt = (position: number): { start: number; data: Buffer } => {
    const hit = windows.find((w) => position >= w.start && position < w.start + w.data.length);
    if (hit) return hit;
    const start = Math.max(0, Math.min(position, size - WINDOW_BYTES));
    const data = Buffer.allocUnsafe(Math.min(WINDOW_BYTES, size - start));
    let read = 0;
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    const w = { start, data: data.subarray(0, read) };
    windows.unshift(w);
    if (windows.length > WINDOWS) windows.pop();
    return w;
  };
  reader._readStreamForRange = (start: number, end: number): Readable => {
    const parts: Buffer[] = [];
    let position = start;
    while (position < end) {
      const w = windowAt(position);
      const from = position - w.start;
      const to = Math.min(w.data.length, end - w.start);
      if (to <= from) break; // past the end of the file: yauzl reports the short read
      parts.push(Buffer.from(w.data.subarray(from, to)));
      position = w.start + to;
    }
    return Readable.from(parts.length === 1 ? parts : [Buffer.concat(parts)]);
  };
  reader.close = (callback: (err: Error | null) => void) => {
    try {
      closeSync(fd);
      callback(null);
    } catch (e) {
      callback(e as Error);
    }
  };
  return reader;
}
