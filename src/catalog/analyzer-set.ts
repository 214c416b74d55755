import type { FileAnalyzer } from '../image/analyzer.js';
import { selectCatalogers } from './catalogers.js';
import { osReleaseAnalyzer } from './os/index.js';

/** The analysers a set of catalogers needs; the same list in the main thread and in layer workers. */
export function analyzersFor(catalogers?: readonly string[]): FileAnalyzer[] {
  return [osReleaseAnalyzer, ...selectCatalogers(catalogers).flatMap((c) => c.analyzers)];
}
