import { BulkheadError } from '../errors.js';
import type { FileAnalyzer } from '../image/analyzer.js';
import { malwareAnalyzer, type MalwareScanOptions } from '../malware/index.js';
import { secretsAnalyzer, type SecretScanOptions } from '../secrets/index.js';

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

/** The scanners' analysers take their options as plain JSON, so workers build the same ones. */
const factories: Record<AnalyzerSpec['kind'], (options: unknown, cacheKey: string) => FileAnalyzer> = {
  secrets: (options, cacheKey) => withCacheKey(secretsAnalyzer(options as SecretScanOptions), cacheKey),
  malware: (options, cacheKey) => withCacheKey(malwareAnalyzer(options as MalwareScanOptions), cacheKey),
};

function withCacheKey(analyzer: FileAnalyzer, cacheKey: string): FileAnalyzer {
  return Object.assign(Object.create(analyzer) as FileAnalyzer, { cacheKey });
}

export function buildExtraAnalyzer(spec: AnalyzerSpec): FileAnalyzer {
  const make = factories[spec.kind];
  if (!make) throw new BulkheadError('INTERNAL', `no file scanner of kind ${spec.kind}`);
  return make(spec.options, spec.cacheKey);
}
