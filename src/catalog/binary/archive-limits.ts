import { LIMITS } from '../../image/limits.js';

/**
 * The caps that bound reading one Java archive tree. Defaults come from LIMITS; tests (and callers
 * with tighter budgets) pass lower ones.
 */
export interface ArchiveLimits {
  /** Largest nested archive inflated to be read in turn. */
  maxArchiveBytes: number;
  /** Largest metadata member (pom.properties, MANIFEST.MF) inflated. */
  maxMetadataBytes: number;
  /** Largest total of inflated bytes for one archive file, nested archives included. */
  maxArchiveExpandedBytes: number;
  /** Largest uncompressed/compressed ratio accepted for one member. */
  maxArchiveRatio: number;
  /** How deep archives nest inside archives (the file in the image is depth 0). */
  maxArchiveDepth: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = {
  maxArchiveBytes: LIMITS.maxArchiveBytes,
  maxMetadataBytes: LIMITS.maxMetadataBytes,
  maxArchiveExpandedBytes: LIMITS.maxArchiveExpandedBytes,
  maxArchiveRatio: LIMITS.maxArchiveRatio,
  maxArchiveDepth: LIMITS.maxArchiveDepth,
};

export function archiveLimits(overrides?: Partial<ArchiveLimits>): ArchiveLimits {
  return { ...DEFAULT_ARCHIVE_LIMITS, ...overrides };
}
