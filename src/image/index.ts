export { openImage } from './open.js';
export { parseReference, formatReference, type ImageReference, type RegistryReference, type TransportName } from './reference.js';
export { DEFAULT_PLATFORM, formatPlatform, parsePlatform, type OpenOptions } from './options.js';
export type { ImageSource, ImageConfig, LayerRef, LayerEntry, Platform } from './types.js';
export type { FileAnalyzer, FileContent, AnalyzerResult } from './analyzer.js';
export { FileIndex, type IndexedFile } from './file-index.js';
export { defaultCacheDir } from './layer-cache.js';
