import type { ErrorCode } from '../errors.js';

/** Exit codes, documented in the README ("Exit codes"). Only the CLI maps error codes to them. */
export const EXIT = {
  OK: 0,
  POLICY_VIOLATION: 1,
  USAGE: 2,
  INPUT: 3,
  IMAGE: 4,
  REMOTE: 5,
  OUTPUT: 6,
  INTERNAL: 70,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
    case 'REFERENCE_INVALID':
    case 'TRANSPORT_UNKNOWN':
      return EXIT.USAGE;
    case 'INPUT_NOT_FOUND':
    case 'INPUT_INVALID':
    case 'SBOM_INVALID':
    case 'VULN_DB_MISSING':
    case 'VULN_DB_INVALID':
    case 'BUNDLE_INVALID':
      return EXIT.INPUT;
    case 'ARCHIVE_CORRUPT':
    case 'LAYER_CORRUPT':
    case 'DIGEST_MISMATCH':
    case 'MANIFEST_INVALID':
    case 'MANIFEST_UNSUPPORTED':
    case 'PLATFORM_NOT_FOUND':
    case 'UNSAFE_PATH':
    case 'SIZE_LIMIT':
      return EXIT.IMAGE;
    case 'REGISTRY_UNAUTHORIZED':
    case 'REGISTRY_DENIED':
    case 'REGISTRY_NOT_FOUND':
    case 'REGISTRY_RATE_LIMITED':
    case 'REGISTRY_ERROR':
    case 'NETWORK_ERROR':
    case 'VULN_SOURCE_CORRUPT':
    case 'VULN_SOURCE_EMPTY':
    case 'DAEMON_UNAVAILABLE':
    case 'DAEMON_ERROR':
      return EXIT.REMOTE;
    case 'OUTPUT_FAILED':
    case 'VULN_DB_LOCKED':
      return EXIT.OUTPUT;
    case 'SIGNATURE_INVALID':
    case 'SIGNATURE_MISSING':
      return EXIT.POLICY_VIOLATION;
    case 'INTERNAL':
      return EXIT.INTERNAL;
  }
}
