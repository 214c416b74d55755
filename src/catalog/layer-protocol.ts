import type { ErrorCode } from '../errors.js';
import type { LayerRef } from '../image/types.js';
import type { LayerAnalysis } from '../image/walk.js';
import type { AnalyzerPlan } from './analyzer-set.js';

/** Messages between the main thread and a layer worker (see layer-worker.ts). */
export type ToWorker =
  | {
      type: 'start';
      id: number;
      layer: LayerRef;
      plan: AnalyzerPlan;
      blobDigest?: string;
      blobSize?: number;
      diffId?: string;
      /** Read the bytes from this file range instead of waiting for chunks. */
      file?: { path: string; start: number; end: number };
      what: string;
    }
  | { type: 'chunk'; id: number; data: Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'abort'; id: number; code: ErrorCode; message: string; what: string };

export type FromWorker =
  | { type: 'ack'; id: number; bytes: number }
  | { type: 'warn'; id: number; message: string }
  | { type: 'done'; id: number; analysis: LayerAnalysis }
  | { type: 'error'; id: number; code: ErrorCode; message: string; input?: string };
