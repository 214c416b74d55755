/**
 * Entry point of a layer worker thread: it receives a layer's stored bytes from the main thread,
 * verifies, decompresses and walks them with the same analysers the main thread would use, and
 * sends back the LayerAnalysis (the same JSON the layer cache stores). Layers are thereby analysed
 * on every core, while the main thread only moves bytes.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { BulkheadError } from '../errors.js';
import { DigestVerifier } from '../image/digest.js';
import { decompress, tarEntries } from '../image/layer-tar.js';
import type { LayerRef } from '../image/types.js';
import { analyzeEntries } from '../image/walk.js';
import type { Reporter } from '../progress.js';
import { analyzersFor, type AnalyzerPlan } from './analyzer-set.js';
import { loadExtraAnalyzers } from './extra-analyzers.js';
import type { FromWorker, ToWorker } from './layer-protocol.js';

interface Job {
  queue: Buffer[];
  ended: boolean;
  /** The reader asked for data while the queue was empty: the next chunk goes straight to it. */
  wanting: boolean;
  stream: Readable;
}

const port = parentPort;
if (!port) throw new Error('layer-worker runs as a worker thread');
const jobs = new Map<number, Job>();
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    const job: Job = {
      queue: [],
      ended: false,
      wanting: false,
      stream: new Readable({
        highWaterMark: 1 << 20,
        read() {
          // hand over one chunk per pull and acknowledge it: the main thread sends more only then
          const chunk = job.queue.shift();
          if (chunk) {
            send({ type: 'ack', id: m.id, bytes: chunk.length });
            this.push(chunk);
          } else if (job.ended) this.push(null);
          else job.wanting = true;
        },
      }),
    };
    jobs.set(m.id, job);
    const source = m.file ? createReadStream(m.file.path, { start: m.file.start, end: m.file.end, highWaterMark: 1 << 20 }) : job.stream;
    if (m.file) job.stream = source;
    void run(m.id, m.layer, m.plan, m.blobDigest, m.blobSize, m.diffId, m.what, source);
  } else {
    const job = jobs.get(m.id);
    if (!job) return;
    if (m.type === 'chunk') {
      const chunk = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      if (job.wanting) {
        job.wanting = false;
        send({ type: 'ack', id: m.id, bytes: chunk.length });
        job.stream.push(chunk);
      } else job.queue.push(chunk);
    } else if (m.type === 'end') {
      job.ended = true;
      if (job.wanting && job.queue.length === 0) job.stream.push(null);
    } else if (m.type === 'abort') {
      job.stream.destroy(new BulkheadError(m.code, m.message, { input: m.what }));
    }
  }
});

async function run(
  id: number,
  layer: LayerRef,
  plan: AnalyzerPlan,
  blobDigest: string | undefined,
  blobSize: number | undefined,
  diffId: string | undefined,
  what: string,
  raw: Readable,
): Promise<void> {
  const reporter: Reporter = {
    task: () => ({ advance() {}, setTotal() {}, done() {} }),
    warn: (message) => send({ type: 'warn', id, message }),
    debug() {},
  };
  try {
    let stream: Readable = raw;
    if (blobDigest) {
      const verifier = new DigestVerifier(blobDigest, what, blobSize);
      stream.on('error', (e) => verifier.destroy(e));
      stream = stream.pipe(verifier);
    }
    if (diffId) {
      const plain = await decompress(stream, what);
      const verifier = new DigestVerifier(diffId, what);
      plain.on('error', (e) => verifier.destroy(e));
      stream = plain.pipe(verifier);
    }
    await loadExtraAnalyzers(plan.extra);
    const analysis = await analyzeEntries(tarEntries(stream, what), layer, analyzersFor(plan), reporter);
    send({ type: 'done', id, analysis });
  } catch (e) {
    const err = e instanceof BulkheadError ? e : new BulkheadError('INTERNAL', `${what}: ${e instanceof Error ? e.message : String(e)}`);
    send({ type: 'error', id, code: err.code, message: err.message, ...(err.input !== undefined ? { input: err.input } : {}) });
  } finally {
    jobs.delete(id);
    raw.destroy();
  }
}
