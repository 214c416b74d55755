export { analyzeImage, analyzeSource } from './analyze-image.js';
export type { AnalyzeOptions, ImageAnalysis, ImageFacts, LayerFacts } from './analysis.js';
export type { Package, PackageType, PackageLocation, OsRelease } from './types.js';
export { passwdAnalyzer, parsePasswd, type PasswdEntry, type PasswdData } from './os/index.js';
export type { AnalyzerSpec } from './extra-analyzers.js';
export type { Cataloger, CatalogContext, CatalogedPackage } from './cataloger.js';
export { ALL_CATALOGERS } from './catalogers.js';
