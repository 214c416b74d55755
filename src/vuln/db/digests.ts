import { createHash, type Hash } from 'node:crypto';

/**
 * The digests a download is checked against: SHA-256 (sibling `.sha256` files, bundles), and the
 * MD5 and CRC32C that Google Cloud Storage sends in `x-goog-hash` (base64 of the raw digest; CRC32C
 * big-endian, https://cloud.google.com/storage/docs/hashes-etags).
 */
export class DownloadDigests {
  private readonly sha = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  private crc = 0xffffffff;
  bytes = 0;

  update(chunk: Buffer): void {
    this.sha.update(chunk);
    this.md5.update(chunk);
    this.crc = crc32cUpdate(this.crc, chunk);
    this.bytes += chunk.length;
  }

  finish(): { sha256: string; md5: string; crc32c: string; bytes: number } {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return { sha256: this.sha.digest('hex'), md5: this.md5.digest('base64'), crc32c: crc.toString('base64'), bytes: this.bytes };
  }
}

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, RFC 3720 appendix B.4), one table.
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32cUpdate(crc: number, data: Buffer): number {
  let c = crc;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** Parses `x-goog-hash: crc32c=…,md5=…` (the header may be repeated; fetch joins them with ", "). */
export function parseGoogHash(header: string | null): { md5?: string; crc32c?: string } {
  const out: { md5?: string; crc32c?: string } = {};
  if (!header) return out;
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'md5') out.md5 = value;
    else if (key === 'crc32c') out.crc32c = value;
  }
  return out;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
