import { Worker } from 'node:worker_threads';

/**
 * Hashing large layers costs as much main-thread time as parsing them, so digests are computed on a
 * worker thread while the main thread parses tar entries: the two cores of a small CI machine both work.
 * Chunks are copied once and transferred; the worker acknowledges bytes so memory stays bounded.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.drop) { hashes.delete(m.id); return; }
  let h = hashes.get(m.id);
  if (!h) { h = { hash: createHash(m.algorithm), bytes: 0 }; hashes.set(m.id, h); }
  if (m.data) {
    h.hash.update(m.data);
    h.bytes += m.data.byteLength;
    parentPort.postMessage({ id: m.id, ack: m.data.byteLength });
  }
  if (m.final) {
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: m.algorithm + ':' + h.hash.digest('hex'), bytes: h.bytes });
  }
});
`;

interface Pending {
  onAck(bytes: number): void;
  onDigest(digest: string, bytes: number): void;
  onError(error: Error): void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 } });
  w.on('message', (m: { id: number; ack?: number; digest?: string; bytes?: number }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.ack !== undefined) p.onAck(m.ack);
    if (m.digest !== undefined) {
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      p.onDigest(m.digest, m.bytes ?? 0);
    }
  });
  w.on('error', (e) => {
    worker = undefined;
    for (const p of pending.values()) p.onError(e);
    pending.clear();
  });
  // idle workers must not keep the process alive; busy ones must (update() and digest() ref it)
  w.unref();
  worker = w;
  return w;
}

/** Bytes in flight to the worker before a stream waits for it. */
const MAX_IN_FLIGHT = 8 * 1024 * 1024;

/** One running hash on the worker thread. */
export class OffThreadHash {
  private readonly id = nextId++;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private result?: Promise<{ digest: string; bytes: number }>;
  private failure?: Error;

  constructor(private readonly algorithm: string) {}

  /** Sends a chunk; resolves at once unless too many bytes are waiting to be hashed. */
  update(chunk: Buffer): Promise<void> | undefined {
    const w = getWorker();
    if (!pending.has(this.id)) {
      w.ref();
      pending.set(this.id, {
        onAck: (n) => {
          this.inFlight -= n;
          if (this.inFlight <= MAX_IN_FLIGHT / 2) for (const wake of this.waiters.splice(0)) wake();
        },
        onDigest: () => {},
        onError: (e) => {
          this.failure = e;
          for (const wake of this.waiters.splice(0)) wake();
        },
      });
    }
    // a private, non-zeroed ArrayBuffer that can be transferred rather than cloned
    const copy = Buffer.allocUnsafeSlow(chunk.length);
    chunk.copy(copy);
    this.inFlight += copy.length;
    w.postMessage({ id: this.id, algorithm: this.algorithm, data: copy }, [copy.buffer]);
    if (this.inFlight > MAX_IN_FLIGHT) return new Promise((resolve) => this.waiters.push(resolve));
    return undefined;
  }

  digest(): Promise<{ digest: string; bytes: number }> {
    if (this.result) return this.result;
    const w = getWorker();
    w.ref();
    this.result = new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const previous = pending.get(this.id);
      pending.set(this.id, {
        onAck: (n) => previous?.onAck(n),
        onDigest: (digest, bytes) => resolve({ digest, bytes }),
        onError: reject,
      });
    });
    w.postMessage({ id: this.id, algorithm: this.algorithm, final: true });
    return this.result;
  }

  /** Forgets a hash whose stream ended early (error, abort), so the worker can go idle. */
  abandon(): void {
    if (!pending.delete(this.id)) return;
    worker?.postMessage({ id: this.id, algorithm: this.algorithm, drop: true });
    if (pending.size === 0) worker?.unref();
    for (const wake of this.waiters.splice(0)) wake();
  }
}
