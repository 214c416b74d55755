export { scanImage, scanAnalysis, scannersOf, gateViolations, type Scan, type ScanOptions } from './scan-image.js';
export type { ScannerSettings } from './scanners.js';
export { severityRank, parseSeverity } from './severity-order.js';
