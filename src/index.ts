/**
 * Bulkhead's library API. The CLI and the server are thin shells over these functions.
 */
export { analyzeImage } from './catalog/index.js';
export type { AnalyzeOptions, ImageAnalysis, ImageFacts, Package, OsRelease } from './catalog/index.js';
export { openImage, parseReference, formatReference, type ImageSource, type OpenOptions } from './image/index.js';
export { encodeSbom, decodeSbom, type SbomFormat } from './sbom/index.js';
export { BulkheadError, type ErrorCode } from './errors.js';
export type { Reporter } from './progress.js';
