/**
 * Bulkhead's library API. The CLI and the server are thin shells over these functions.
 */
export { analyzeImage } from './catalog/index.js';
export type { AnalyzeOptions, ImageAnalysis, ImageFacts, Package, OsRelease } from './catalog/index.js';
export { openImage, parseReference, formatReference, type ImageSource, type OpenOptions } from './image/index.js';
export { encodeSbom, decodeSbom, type SbomFormat } from './sbom/index.js';
export { BulkheadError, type ErrorCode } from './errors.js';
export type { Reporter } from './progress.js';
export { compareVersions, supportedEcosystems, matchPackages, openVulnDb, updateVulnDb, exportVulnDb, importVulnDb, defaultDbPath } from './vuln/index.js';
export type { Ordering, VulnDb, OsvRecord, DbStatus } from './vuln/index.js';
export { scanImage, scanAnalysis, gateViolations, type Scan, type ScanOptions } from './scan/index.js';
export { applySuppressions, loadIgnoreFile, loadVex, cvssScore, SEVERITIES } from './findings/index.js';
export type { Finding, Severity, ScanResult } from './findings/index.js';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './report/index.js';
