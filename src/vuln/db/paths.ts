import { homedir } from 'node:os';
import { join } from 'node:path';

/** OSV's public bucket: `<base>/<Ecosystem>/all.zip` per ecosystem (https://google.github.io/osv.dev/data/). */
export const DEFAULT_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com';

/** Ecosystems fetched when the user names none (OSV ecosystem names, as the export folders spell them). */
export const DEFAULT_ECOSYSTEMS = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'Red Hat',
  'Rocky Linux',
  'AlmaLinux',
  'npm',
  'PyPI',
  'Maven',
  'Go',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
] as const;

/** At the source root, in CISA's and FIRST's published shapes; loaded when present. */
export const KEV_FILE = 'known_exploited_vulnerabilities.json';
export const EPSS_FILE = 'epss_scores-current.csv.gz';

/** `$XDG_CACHE_HOME/bulkhead/vuln.db`, else `~/.cache/bulkhead/vuln.db` (XDG Base Directory spec). */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'bulkhead', 'vuln.db');
}
