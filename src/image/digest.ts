import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BulkheadError } from '../errors.js';

const SUPPORTED = new Set(['sha256', 'sha512']);

export function splitDigest(digest: string, input: string): { algorithm: string; hex: string } {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (colon <= 0 || !SUPPORTED.has(algorithm) || !/^[a-f0-9]+$/.test(hex) || hex.length !== (algorithm === 'sha256' ? 64 : 128)) {
    throw new BulkheadError('MANIFEST_INVALID', `${input}: "${digest}" is not a supported digest (sha256 or sha512, lowercase hex)`, { input });
  }
  return { algorithm, hex };
}

export function digestOf(data: Buffer | string, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Checks a whole buffer against its descriptor digest (OCI image spec, descriptor.md "Digests"). */
export function verifyBuffer(data: Buffer, expected: string, what: string): void {
  const { algorithm } = splitDigest(expected, what);
  const actual = digestOf(data, algorithm);
  if (actual !== expected) {
    throw new BulkheadError('DIGEST_MISMATCH', `${what}: content digest ${actual} does not match the expected ${expected}`, { input: what });
  }
}

/**
 * A pass-through that hashes what flows and fails at the end when the digest or size is wrong,
 * so a blob is verified while it streams, without a second read. Layer workers run it off the
 * main thread (see catalog/layer-pool.ts).
 */
export class DigestVerifier extends Transform {
  private readonly hash: ReturnType<typeof createHash>;
  private readonly algorithm: string;
  private bytes = 0;
  constructor(
    private readonly expected: string,
    private readonly what: string,
    private readonly expectedSize?: number,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.algorithm = splitDigest(expected, what).algorithm;
    this.hash = createHash(this.algorithm);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    let error: BulkheadError | undefined;
    if (this.expectedSize !== undefined && this.expectedSize >= 0 && this.bytes !== this.expectedSize) {
      error = new BulkheadError('DIGEST_MISMATCH', `${this.what}: received ${this.bytes} bytes, the descriptor says ${this.expectedSize}`, { input: this.what });
    } else if (actual !== this.expected) {
      error = new BulkheadError('DIGEST_MISMATCH', `${this.what}: content digest ${actual} does not match the expected ${this.expected}`, { input: this.what });
    }
    // Reported after the end-of-stream bookkeeping of the writers upstream has run (they pipe into
    // this stream and finish in the same tick), so the error reaches this stream's readers.
    queueMicrotask(() => cb(error));
  }
}
