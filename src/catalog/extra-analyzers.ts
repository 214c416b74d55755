import { BulkheadError } from '../errors.js';
import type { FileAnalyzer } from '../image/analyzer.js';
import type { MalwareScanOptions } from '../malware/index.js';
import type { SecretScanOptions } from '../secrets/index.js';

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

type Factory = (options: unknown, cacheKey: string) => FileAnalyzer;

/**
 * The scanners' analysers take their options as plain JSON, so workers build the same ones. Their
 * modules are loaded on first use (`loadExtraAnalyzers`): a command that reads no secrets does not
 * pay for the secret rules at start-up.
 */
const factories: Partial<Record<AnalyzerSpec['kind'], Factory>> = {};

export async function loadExtraAnalyzers(specs: readonly AnalyzerSpec[] | undefined): Promise<void> {
  for (const kind of new Set((specs ?? []).map((s) => s.kind))) {
    if (factories[kind]) continue;
    if (kind === 'secrets') {
      const { secretsAnalyzer } = await import('../secrets/index.js');
      factories.secrets = (options, cacheKey) => withCacheKey(secretsAnalyzer(options as SecretScanOptions), cacheKey);
    } else {
      const { malwareAnalyzer } = await import('../malware/index.js');
      factories.malware = (options, cacheKey) => withCacheKey(malwareAnalyzer(options as MalwareScanOptions), cacheKey);
    }
  }
}

function withCacheKey(analyzer: FileAnalyzer, cacheKey: string): FileAnalyzer {
  return Object.assign(Object.create(analyzer) as FileAnalyzer, { cacheKey });
}

export function buildExtraAnalyzer(spec: AnalyzerSpec): FileAnalyzer {
  const make = factories[spec.kind];
  if (!make) throw new BulkheadError('INTERNAL', `file scanner ${spec.kind} used before loadExtraAnalyzers`);
  return make(spec.options, spec.cacheKey);
}
