import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BulkheadError } from '../errors.js';
import { OffThreadHash } from './hash-worker.js';

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
 * so a blob is verified while it streams, without a second read.
 */
/**
 * Whether to hash a blob on the worker thread. Worth it when the main thread has the other core to
 * itself: uncompressed layers. For compressed ones the inflating thread pool already uses that core,
 * and the copy to the worker would only add work.
 */
export function hashOffThread(mediaType: string): boolean {
  return !/gzip|zstd/.test(mediaType);
}

/** A hash computed on this thread. */
class InlineHash {
  private readonly hash;
  private bytes = 0;
  constructor(private readonly algorithm: string) {
    this.hash = createHash(algorithm);
  }
  update(chunk: Buffer): undefined {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    return undefined;
  }
  digest(): Promise<{ digest: string; bytes: number }> {
    return Promise.resolve({ digest: `${this.algorithm}:${this.hash.digest('hex')}`, bytes: this.bytes });
  }
  abandon(): void {}
}

/**
 * A pass-through that hashes what flows and fails at the end when the digest or size is wrong,
 * so a blob is verified while it streams, without a second read.
 */
export class DigestVerifier extends Transform {
  private readonly hash: OffThreadHash | InlineHash;
  constructor(
    private readonly expected: string,
    private readonly what: string,
    private readonly expectedSize?: number,
    options: { offThread?: boolean } = {},
  ) {
    super({ highWaterMark: 1 << 20 });
    const algorithm = splitDigest(expected, what).algorithm;
    this.hash = options.offThread ? new OffThreadHash(algorithm) : new InlineHash(algorithm);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const wait = this.hash.update(chunk);
    if (wait) void wait.then(() => cb(null, chunk));
    else cb(null, chunk);
  }
  override _destroy(error: Error | null, cb: (error: Error | null) => void): void {
    this.hash.abandon();
    cb(error);
  }
  override _flush(cb: TransformCallback): void {
    this.hash.digest().then(({ digest: actual, bytes }) => {
      if (this.expectedSize !== undefined && this.expectedSize >= 0 && bytes !== this.expectedSize) {
        cb(new BulkheadError('DIGEST_MISMATCH', `${this.what}: received ${bytes} bytes, the descriptor says ${this.expectedSize}`, { input: this.what }));
        return;
      }
      if (actual !== this.expected) {
        cb(new BulkheadError('DIGEST_MISMATCH', `${this.what}: content digest ${actual} does not match the expected ${this.expected}`, { input: this.what }));
        return;
      }
      cb();
    }, cb);
  }
}
