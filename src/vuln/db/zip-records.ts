import { crc32 } from 'node:zlib';
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
  const zip = await new Promise<yauzlType.ZipFile>((resolve, reject) =>
    yauzl().open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, z) =>
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

function readMember(zip: yauzlType.ZipFile, entry: yauzlType.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
