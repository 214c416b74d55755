import type { FileHeader } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';

/** Smaller files cannot be a linked Go or Rust program; skipping them spares reading scripts. */
const MIN_BINARY_BYTES = 1024;

/**
 * The cheap test both binary catalogers share: a regular file with an execute bit, sized like a
 * program. Content checks (ELF magic, build info) happen in `analyze`.
 */
export function wantsExecutable(_path: string, header: FileHeader): boolean {
  return (header.mode & 0o111) !== 0 && header.size >= MIN_BINARY_BYTES && header.size <= LIMITS.maxBinaryBytes;
}
