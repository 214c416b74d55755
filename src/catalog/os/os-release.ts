import type { AnalyzerResult, FileAnalyzer } from '../../image/analyzer.js';
import type { OsRelease } from '../types.js';
import {
  parseAlpineRelease,
  parseDebianVersion,
  parseLsbRelease,
  parseRedHatRelease,
  parseShellAssignments,
  parseSuseRelease,
} from './os-release-parse.js';

/** What the analyser keeps of one release file: os-release style fields, or a distroless marker. */
export interface ReleaseFacts {
  fields?: Record<string, string>;
  /** Set for files under `var/lib/dpkg/status.d/`, which only Google's distroless images have. */
  dpkgStatusDir?: true;
}

type Parser = (text: string) => Record<string, string> | undefined;

/**
 * Release files in order of trust. os-release(5): "/etc/os-release should be read, falling back to
 * /usr/lib/os-release only if the former does not exist". The distribution-specific files come next;
 * lsb-release beats debian_version because Ubuntu and other derivatives keep Debian's file.
 */
const RELEASE_FILES: ReadonlyArray<[string, Parser]> = [
  ['etc/os-release', parseShellAssignments],
  ['usr/lib/os-release', parseShellAssignments],
  ['etc/centos-release', parseRedHatRelease],
  ['etc/rocky-release', parseRedHatRelease],
  ['etc/almalinux-release', parseRedHatRelease],
  ['etc/oracle-release', parseRedHatRelease],
  ['etc/fedora-release', parseRedHatRelease],
  ['etc/redhat-release', parseRedHatRelease],
  ['etc/system-release', parseRedHatRelease],
  ['etc/SuSE-release', parseSuseRelease],
  ['etc/alpine-release', parseAlpineRelease],
  ['etc/lsb-release', parseLsbRelease],
  ['etc/debian_version', parseDebianVersion],
];
const PARSERS = new Map(RELEASE_FILES);
const PRIORITY = new Map(RELEASE_FILES.map(([path], i) => [path, i]));
const DPKG_STATUS_DIR = 'var/lib/dpkg/status.d/';
const MAX_BYTES = 64 * 1024;

export const osReleaseAnalyzer: FileAnalyzer<ReleaseFacts> = {
  name: 'os-release',
  version: 1,
  maxBytes: MAX_BYTES,
  wants(path, header) {
    if (PARSERS.has(path)) return true;
    // distroless marker: only small files, so that a large one is neither read nor warned about
    return path.startsWith(DPKG_STATUS_DIR) && path.length > DPKG_STATUS_DIR.length && header.size <= MAX_BYTES;
  },
  analyze(file) {
    if (file.path.startsWith(DPKG_STATUS_DIR)) return { dpkgStatusDir: true };
    const parse = PARSERS.get(file.path);
    if (!parse) return undefined;
    const fields = parse(file.content.toString('utf8'));
    if (!fields || !fields.ID) {
      if (file.content.length > 0) file.warn(`${file.path}: no distribution ID found`);
      return undefined;
    }
    return { fields };
  },
};

/**
 * The distribution of an image, from the release files visible in its final file system
 * (results of `osReleaseAnalyzer`). Undefined when there is none (scratch, distroless static).
 */
export function detectOs(results: AnalyzerResult[]): OsRelease | undefined {
  const release = results
    .filter((r) => (r.data as ReleaseFacts | undefined)?.fields?.ID !== undefined && PRIORITY.has(r.path))
    .sort((a, b) => PRIORITY.get(a.path)! - PRIORITY.get(b.path)!)[0];
  if (!release) return undefined;
  const f = (release.data as ReleaseFacts).fields!;
  const id = f.ID!.toLowerCase();
  const idLike = f.ID_LIKE ? f.ID_LIKE.toLowerCase().split(/\s+/).filter((s) => s !== '') : undefined;
  const os: OsRelease = { id, family: familyOf(id, idLike ?? []), source: release.path };
  if (f.VERSION_ID) os.versionId = f.VERSION_ID;
  if (f.VERSION_CODENAME) os.versionCodename = f.VERSION_CODENAME;
  if (f.PRETTY_NAME) os.prettyName = f.PRETTY_NAME;
  if (f.NAME) os.name = f.NAME;
  if (idLike && idLike.length > 0) os.idLike = idLike;
  if (isDistroless(f, results)) os.distroless = true;
  return os;
}

/**
 * Google's distroless images ship Debian's os-release with `PRETTY_NAME="Distroless"` and a
 * HOME_URL pointing at the distroless project, and keep dpkg data as one file per package in
 * `var/lib/dpkg/status.d/` instead of `var/lib/dpkg/status`.
 */
function isDistroless(f: Record<string, string>, results: AnalyzerResult[]): boolean {
  if (/distroless/i.test(f.PRETTY_NAME ?? '') || /distroless/i.test(f.HOME_URL ?? '')) return true;
  return results.some((r) => (r.data as ReleaseFacts | undefined)?.dpkgStatusDir === true);
}

const FAMILY_BY_ID: Record<string, OsRelease['family']> = {
  debian: 'debian',
  ubuntu: 'debian',
  alpine: 'alpine',
  wolfi: 'alpine',
  chainguard: 'alpine',
  postmarketos: 'alpine',
  rhel: 'rhel',
  centos: 'rhel',
  fedora: 'rhel',
  rocky: 'rhel',
  almalinux: 'rhel',
  ol: 'rhel',
  amzn: 'rhel',
  scientific: 'rhel',
  cloudlinux: 'rhel',
  suse: 'suse',
  sles: 'suse',
  sled: 'suse',
  'sle-micro': 'suse',
  opensuse: 'suse',
  'opensuse-leap': 'suse',
  'opensuse-tumbleweed': 'suse',
  arch: 'arch',
  archarm: 'arch',
  manjaro: 'arch',
};

/** os-release(5) ID_LIKE: "closely related distributions ... listed closest first". */
export function familyOf(id: string, idLike: readonly string[]): OsRelease['family'] {
  for (const candidate of [id, ...idLike]) {
    const family = FAMILY_BY_ID[candidate] ?? (candidate.startsWith('opensuse') ? 'suse' : undefined);
    if (family) return family;
  }
  return 'unknown';
}
