/**
 * The vulnerability database: OSV exports downloaded into one SQLite file, read by the matcher.
 * `openVulnDb` is the read side (the `VulnDb` contract in types.ts); `updateVulnDb`, `exportVulnDb`
 * and `importVulnDb` write it, always atomically.
 */
export { openVulnDb } from './open.js';
export { updateVulnDb, type UpdateOptions, type UpdateResult, type EcosystemOutcome, type FeedState } from './update.js';
export { exportVulnDb, importVulnDb, type BundleManifest } from './bundle.js';
export { normalizePackageName, ecosystemBaseOf } from './normalize.js';
export { osvRecordProblem } from './record-check.js';
export { defaultDbPath, DEFAULT_ECOSYSTEMS, DEFAULT_SOURCE } from './paths.js';
export { SCHEMA_VERSION } from './schema.js';
export type * from './types.js';
