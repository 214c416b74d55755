export { scanImage, scanAnalysis, gateViolations, type Scan, type ScanOptions } from './scan-image.js';
export { severityRank, parseSeverity } from './severity-order.js';
