import type { AnalyzerPlan } from './analyzer-set.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BulkheadError } from '../errors.js';
import type { RawLayer, LayerRef } from '../image/types.js';
import type { LayerAnalysis } from '../image/walk.js';
import type { Reporter } from '../progress.js';
import type { FromWorker, ToWorker } from './layer-protocol.js';

/** Bytes sent to a worker and not yet taken by its tar reader, before the sender waits. */
const MAX_IN_FLIGHT = 2 * 1024 * 1024;
const BATCH_BYTES = 1024 * 1024;
/** A small young generation: layer walking makes short-lived garbage, and memory stays flat. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

interface Job {
  onAck(bytes: number): void;
  onWarn(message: string): void;
  resolve(analysis: LayerAnalysis): void;
  reject(error: Error): void;
}

interface PooledWorker {
  worker: Worker;
  busy: number;
}

/**
 * Layer workers, shared by every analysis in the process. A worker holds no state
 * between layers; idle workers do not keep the process alive.
 */
class LayerPool {
  private readonly workers: PooledWorker[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private broken?: Error;

  /** False once a worker has died (out of memory, say): layers are then analysed on the main thread. */
  get available(): boolean {
    return this.broken === undefined;
  }

  /** At most one worker per core. */
  get size(): number {
    return Math.max(1, availableParallelism());
  }

  /**
   * Workers a source should use: every core when the workers read local files themselves; one core
   * fewer when this thread moves the bytes (it needs that core to keep them fed), which also saves
   * an isolate's memory.
   */
  slotsFor(localLayers: boolean): number {
    return localLayers ? this.size : Math.max(1, this.size - 1);
  }



  /** Starts workers ahead of the first layer, so their start-up overlaps opening the image. */
  warm(slots: number): void {
    if (this.broken) return;
    while (this.workers.length < Math.min(slots, this.size)) this.spawn();
  }

  private pick(slots: number): PooledWorker {
    const usable = this.workers.slice(0, slots);
    const idle = usable.find((w) => w.busy === 0);
    if (idle) return idle;
    if (usable.length < slots) return this.spawn();
    return usable.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): PooledWorker {
    // Under a TypeScript loader the source file is the entry; built, the compiled one.
    const worker = import.meta.url.endsWith('.ts') ? sourceWorker() : new Worker(new URL('./layer-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
    const pooled: PooledWorker = { worker, busy: 0 };
    worker.on('message', (m: FromWorker) => {
      const job = this.jobs.get(m.id);
      if (!job) return;
      switch (m.type) {
        case 'ack':
          job.onAck(m.bytes);
          break;
        case 'warn':
          job.onWarn(m.message);
          break;
        case 'done':
          this.jobs.delete(m.id);
          job.resolve(m.analysis);
          break;
        case 'error':
          this.jobs.delete(m.id);
          job.reject(new BulkheadError(m.code, m.message, m.input !== undefined ? { input: m.input } : undefined));
          break;
      }
    });
    worker.on('error', (e) => {
      this.broken = e;
      for (const job of this.jobs.values()) job.reject(new WorkerFailure(e));
      this.jobs.clear();
    });
    worker.unref();
    this.workers.push(pooled);
    return pooled;
  }

  /** Streams a layer's stored bytes to a worker and resolves with its analysis. */
  async analyze(raw: RawLayer, layer: LayerRef, slots: number, plan: AnalyzerPlan, reporter: Reporter, signal?: AbortSignal): Promise<LayerAnalysis> {
    if (this.broken) throw new BulkheadError('INTERNAL', `layer workers are unavailable: ${this.broken.message}`);
    const pooled = this.pick(slots);
    const { worker } = pooled;
    const id = this.nextId++;
    pooled.busy++;
    worker.ref();
    try {
      return await this.run(worker, id, raw, layer, plan, reporter, signal);
    } finally {
      pooled.busy--;
      if (pooled.busy === 0) worker.unref();
    }
  }

  private async run(
    worker: Worker,
    id: number,
    raw: RawLayer,
    layer: LayerRef,
    plan: AnalyzerPlan,
    reporter: Reporter,
    signal?: AbortSignal,
  ): Promise<LayerAnalysis> {
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const result = new Promise<LayerAnalysis>((resolve, reject) => {
      this.jobs.set(id, {
        onAck: (n) => {
          inFlight -= n;
          if (wake && inFlight <= MAX_IN_FLIGHT / 2) {
            const w = wake;
            wake = undefined;
            w();
          }
        },
        onWarn: (message) => reporter.warn(message, { layer: layer.digest }),
        resolve,
        reject,
      });
    });
    const post = (m: ToWorker, transfer?: ArrayBuffer[]) => worker.postMessage(m, transfer);
    post({
      type: 'start',
      id,
      layer,
      plan,
      ...(raw.blobDigest ? { blobDigest: raw.blobDigest } : {}),
      ...(raw.blobSize !== undefined ? { blobSize: raw.blobSize } : {}),
      ...(raw.diffId ? { diffId: raw.diffId } : {}),
      ...(raw.file ? { file: raw.file } : {}),
      what: raw.what,
    });
    if (!raw.stream) {
      // the worker reads the file itself; an abort (another layer failed) stops it early
      const onAbort = () => post({ type: 'abort', id, code: 'INTERNAL', message: `${raw.what}: analysis cancelled`, what: raw.what });
      signal?.addEventListener('abort', onAbort, { once: true });
      return result.finally(() => signal?.removeEventListener('abort', onAbort));
    }
    let settled = false;
    void result.then(
      () => (settled = true),
      () => (settled = true),
    );
    const stream = raw.stream;
    // Network chunks are small (64 KiB); each message costs, so they travel in batches of 1 MiB,
    // copied once into a private buffer that is transferred, never a view into a shared pool.
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = () => {
      if (batched === 0) return;
      const copy = Buffer.allocUnsafeSlow(batched);
      let at = 0;
      for (const b of batch) at += b.copy(copy, at);
      batch = [];
      batched = 0;
      inFlight += copy.length;
      post({ type: 'chunk', id, data: copy }, [copy.buffer as ArrayBuffer]);
    };
    try {
      for await (const chunk of stream) {
        if (settled) break;
        signal?.throwIfAborted();
        batch.push(chunk as Buffer);
        batched += (chunk as Buffer).length;
        if (batched >= BATCH_BYTES) flush();
        if (inFlight > MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
      }
      flush();
      if (!settled) post({ type: 'end', id });
    } catch (e) {
      const err = e instanceof BulkheadError ? e : new BulkheadError('NETWORK_ERROR', `${raw.what}: reading the layer failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
      if (!settled) post({ type: 'abort', id, code: err.code, message: err.message, what: raw.what });
      await result.catch(() => {});
      throw err;
    } finally {
      stream.destroy();
    }
    return result;
  }
}

export const layerPool = new LayerPool();

/** A worker died under a job: the job can be run again on the main thread. */
export class WorkerFailure extends BulkheadError {
  constructor(cause: Error) {
    super('INTERNAL', `layer worker failed: ${cause.message}`, { cause });
  }
}

/**
 * Running from TypeScript sources (the test suite), a worker thread does not inherit the loader
 * hooks of this one, so it registers the TypeScript loader itself before importing the worker.
 */
function sourceWorker(): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./layer-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, resourceLimits: WORKER_LIMITS });
}
