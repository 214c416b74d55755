export { compareVersions, versionScheme, supportedEcosystems, type Ordering, type VersionScheme } from './versions/index.js';
export { matchPackages, type MatchOptions, type MatchResult } from './match/match.js';
export { openVulnDb, updateVulnDb, exportVulnDb, importVulnDb, normalizePackageName, defaultDbPath } from './db/index.js';
export type { VulnDb, OsvRecord, DbStatus, StoredAffected } from './db/types.js';
