/**
 * Size caps, in one place. A file over its cap is not buffered (and a warning says so);
 * a whole image over its caps stops with SIZE_LIMIT.
 */
export const LIMITS = {
  /** Largest file any analyser may ask to buffer. */
  maxFileBytes: 512 * 1024 * 1024,
  /** Largest package-database or metadata file (dpkg status, rpmdb, lockfiles). */
  maxMetadataBytes: 256 * 1024 * 1024,
  /** Largest archive (jar, war) read for nested packages. */
  maxArchiveBytes: 512 * 1024 * 1024,
  /** Largest total of uncompressed bytes read out of one archive (zip-bomb guard). */
  maxArchiveExpandedBytes: 1024 * 1024 * 1024,
  /** Largest compression ratio accepted for one archive member (zip-bomb guard). */
  maxArchiveRatio: 200,
  /** How deep jars nest inside jars. */
  maxArchiveDepth: 4,
  /** Largest binary read for Go / Rust build information. */
  maxBinaryBytes: 256 * 1024 * 1024,
  /** Largest manifest, index or config document. */
  maxDocumentBytes: 16 * 1024 * 1024,
  /** Largest number of entries in one layer. */
  maxEntriesPerLayer: 5_000_000,
} as const;
