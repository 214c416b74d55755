/**
 * CVSS v2.0, v3.0, v3.1 and v4.0: vector validation, scores computed from the FIRST specifications,
 * qualitative severity, and the OSV `severity[]` adapter used by vulnerability matching.
 */
export { parseCvss } from './parse.js';
export { cvssScore, scoreParsedCvss } from './score.js';
export { severityFromCvss } from './severity.js';
export { bestCvss, type OsvSeverityEntry } from './best-cvss.js';
export type { CvssResult, CvssVersion, ParsedCvss } from './types.js';
