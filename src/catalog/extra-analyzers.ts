import { BulkheadError } from '../errors.js';
import type { FileAnalyzer } from '../image/analyzer.js';

/**
 * A file scanner to run during the layer walk, beside the catalogers: its kind and its options as
 * plain JSON. `cacheKey` (a digest of the options and of any file they name) keeps cached layer
 * results apart when the options change.
 */
export interface AnalyzerSpec {
  kind: 'secrets' | 'malware';
  options: unknown;
  cacheKey: string;
}

const factories: Partial<Record<AnalyzerSpec['kind'], (options: unknown, cacheKey: string) => FileAnalyzer>> = {};

export function buildExtraAnalyzer(spec: AnalyzerSpec): FileAnalyzer {
  const make = factories[spec.kind];
  if (!make) throw new BulkheadError('INTERNAL', `no file scanner of kind ${spec.kind}`);
  return make(spec.options, spec.cacheKey);
}
