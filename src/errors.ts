/**
 * One error type for the whole project. Library code throws `BulkheadError` with a stable `code`;
 * only `cli/` maps codes to exit codes (see README "Exit codes").
 */
export type ErrorCode =
  // input and references
  | 'USAGE'
  | 'REFERENCE_INVALID'
  | 'TRANSPORT_UNKNOWN'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_INVALID'
  // image content
  | 'ARCHIVE_CORRUPT'
  | 'LAYER_CORRUPT'
  | 'DIGEST_MISMATCH'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNSUPPORTED'
  | 'PLATFORM_NOT_FOUND'
  | 'UNSAFE_PATH'
  | 'SIZE_LIMIT'
  // registry
  | 'REGISTRY_UNAUTHORIZED'
  | 'REGISTRY_DENIED'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_RATE_LIMITED'
  | 'REGISTRY_ERROR'
  | 'NETWORK_ERROR'
  // docker daemon
  | 'DAEMON_UNAVAILABLE'
  | 'DAEMON_ERROR'
  // sbom
  | 'SBOM_INVALID'
  // output
  | 'OUTPUT_FAILED'
  | 'INTERNAL'
  // vulnerability database (src/vuln/db)
  | 'VULN_DB_MISSING'
  | 'VULN_DB_INVALID'
  | 'VULN_DB_LOCKED'
  | 'VULN_SOURCE_CORRUPT'
  | 'VULN_SOURCE_EMPTY'
  | 'BUNDLE_INVALID'
  // image signatures (src/trust)
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_MISSING';

export class BulkheadError extends Error {
  readonly code: ErrorCode;
  /** What the error is about: a file path, a reference, a URL. */
  readonly input?: string;

  constructor(code: ErrorCode, message: string, options?: { input?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BulkheadError';
    this.code = code;
    if (options?.input !== undefined) this.input = options.input;
  }
}

export function isBulkheadError(e: unknown): e is BulkheadError {
  return e instanceof BulkheadError;
}

/** Wraps anything thrown into a BulkheadError, keeping codes that are already ours. */
export function asBulkheadError(e: unknown, fallback: ErrorCode, context: string): BulkheadError {
  if (e instanceof BulkheadError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new BulkheadError(fallback, `${context}: ${reason}`, { cause: e });
}
