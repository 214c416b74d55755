export { SEVERITIES } from './types.js';
export type { Finding, FindingKind, FindingTarget, FindingPackage, CvssScore, Severity, Suppression, VulnerabilityDetails } from './types.js';
export type { ScanResult, ScanDbInfo } from './scan-result.js';
export { applySuppressions } from './suppress.js';
export { loadIgnoreFile, parseIgnoreFile, type IgnoreFile, type IgnoreRule } from './ignore-file.js';
export { loadVex, parseVex, type VexStatement, type VexStatus } from './vex.js';
export { cvssScore, parseCvss, bestCvss, severityFromCvss } from './cvss/index.js';
export { globToRegExp } from './path-glob.js';
