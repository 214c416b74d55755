import type { FileAnalyzer, FileContent, FileHeader } from '../image/analyzer.js';
import { analyzerVersion, buildEngine, DEFAULT_MAX_SECRET_FILE_BYTES } from './build-engine.js';
import { BINARY_EXTENSIONS, DEFAULT_SKIP_PATHS } from './default-allow.js';
import { MAX_HITS_PER_FILE } from './engine.js';
import type { SecretHit, SecretScanOptions } from './types.js';

export const SECRETS_ANALYZER_NAME = 'secrets';

/** Bytes inspected for a NUL to call a file binary (as git and grep do). */
const BINARY_SNIFF_BYTES = 8192;

/**
 * The file analyser: runs in every layer, so files deleted by a later layer are still scanned (their
 * bytes remain in the image). Its cached data holds only redacted hits and digests.
 * Built from plain JSON options (a layer worker rebuilds it); a bad configuration throws here.
 */
export function secretsAnalyzer(options: SecretScanOptions = {}): FileAnalyzer<SecretHit[]> {
  const engine = buildEngine(options);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SECRET_FILE_BYTES;
  const skipDefaults = options.noDefaultSkips !== true;
  return {
    name: SECRETS_ANALYZER_NAME,
    version: analyzerVersion(options),
    maxBytes,
    wants(path: string, header: FileHeader): boolean {
      if (header.size === 0) return false;
      // Bigger files are bundles, databases and binaries: skipped quietly (raise maxBytes to scan them).
      if (header.size > maxBytes) return false;
      const dot = path.lastIndexOf('.');
      if (dot > path.lastIndexOf('/') && BINARY_EXTENSIONS.has(path.slice(dot + 1).toLowerCase())) return false;
      if (skipDefaults && DEFAULT_SKIP_PATHS.test(path)) return false;
      return !engine.allowsPath(path);
    },
    analyze(file: FileContent): SecretHit[] | undefined {
      const sniff = file.content.subarray(0, BINARY_SNIFF_BYTES);
      if (sniff.includes(0)) return undefined;
      const { hits, truncated } = engine.scan(file.content, file.path);
      if (truncated) file.warn(`more than ${MAX_HITS_PER_FILE} secrets; only the first ${MAX_HITS_PER_FILE} are reported`);
      return hits.length > 0 ? hits : undefined;
    },
  };
}
