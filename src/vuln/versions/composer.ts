/**
 * Packagist (Composer) version ordering: `Composer\Semver\VersionParser::normalize` followed by
 * `Composer\Semver\Comparator` (composer/semver 3), which orders normalized versions with PHP's
 * `version_compare` (https://getcomposer.org/doc/articles/versions.md,
 * https://www.php.net/manual/en/function.version-compare.php).
 *
 * normalize turns `v1.2`, `1.2.0-RC1`, `1.2-beta.2`, `1.2p1`, `2023.01.01` into four numeric parts
 * plus a stability suffix (`1.2.0.0-RC1`); `dev-<branch>` and `1.x-dev` are branches. Stabilities
 * order dev < alpha < beta < RC < stable < patch. PHP compares bytes, so strings are handled as
 * their UTF-8 bytes (one char per byte) throughout.
 */
import type { Ordering, VersionScheme } from './scheme.js';

/** PCRE `\s` (no UTF mode): ASCII whitespace, spelled out because JavaScript's `\s` is Unicode. */
const WS = ' \\t\\n\\v\\f\\r';
/** PCRE `$` without the D modifier also matches before a final newline. */
const END = '\\n?$';
/** VersionParser::$modifierRegex; groups: stability word, its number, `dev`. */
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';

const ALIAS = new RegExp(`^([^,${WS}]+) +as +([^,${WS}]+)${END}`);
const STABILITY_FLAG = new RegExp(`@(?:stable|RC|beta|alpha|dev)${END}`, 'i');
const BUILD_METADATA = new RegExp(`^([^,${WS}+]+)\\+[^${WS}]+${END}`);
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}${END}`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}${END}`, 'i');
const DEV_SUFFIX = new RegExp(`^([^\\n]*?)[.-]?dev${END}`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** PHP trim(): " \t\n\r\0\x0B" from both ends. */
function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g, '');
}

/** The string as PHP sees it: one char per UTF-8 byte. */
function bytes(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/** VersionParser::expandStability */
function expandStability(word: string): string {
  const s = word.toLowerCase();
  if (s === 'a') return 'alpha';
  if (s === 'b') return 'beta';
  if (s === 'p' || s === 'pl') return 'patch';
  if (s === 'rc') return 'RC';
  return s;
}

/** VersionParser::normalizeBranch: `1.2.x` → `1.2.9999999.9999999-dev`, others → `dev-<name>`. */
function normalizeBranch(name: string): string {
  const trimmed = phpTrim(name);
  const m = BRANCH.exec(trimmed);
  if (!m) return 'dev-' + trimmed;
  let version = '';
  for (let i = 1; i < 5; i++) {
    const part = m[i];
    // PHP leaves trailing unmatched groups unset: they become ".x"
    version += part === undefined ? '.x' : part.replace(/[*X]/g, 'x');
  }
  return version.replaceAll('x', '9999999') + '-dev';
}

/** VersionParser::normalize on a byte string; undefined where it throws UnexpectedValueException. */
function normalizeBytes(input: string): string | undefined {
  let version = phpTrim(input);
  const alias = ALIAS.exec(version);
  if (alias) version = alias[1] as string;
  const flag = STABILITY_FLAG.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = 'dev-' + version;
  if (version.slice(0, 4).toLowerCase() === 'dev-') return 'dev-' + version.slice(4);
  const metadata = BUILD_METADATA.exec(version);
  if (metadata) version = metadata[1] as string;

  let m = CLASSICAL.exec(version);
  let index: number;
  if (m) {
    version = (m[1] as string) + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
    index = 5;
  } else {
    m = DATE.exec(version);
    if (m) {
      version = (m[1] as string).replace(/\D/g, '.');
      index = 2;
    } else index = 0;
  }
  if (m) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return version;
      const number = m[index + 1] ?? '';
      version += '-' + expandStability(stability) + number.replace(/^[.-]+/, '');
    }
    if (m[index + 2]) version += '-dev';
    return version;
  }

  const dev = DEV_SUFFIX.exec(version);
  if (dev) {
    const normalized = normalizeBranch(dev[1] as string);
    // a branch ending in -dev is only a version when it is numeric (`1.x-dev`)
    if (!normalized.includes('dev-')) return normalized;
  }
  return undefined;
}

// ---- PHP version_compare (ext/standard/versioning.c) ----

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isSpecial = (c: number): boolean => c === 0x2d || c === 0x5f || c === 0x2b; // - _ +
/** `isndig` of versioning.c: neither a digit nor a dot. */
const isNonDigit = (c: number): boolean => !isDigit(c) && c !== 0x2e;

/**
 * php_canonicalize_version: `-`, `_`, `+` and other non-alphanumerics become one `.`, and a `.` is
 * put between a digit and a non-digit. The first byte is copied as is.
 */
function canonicalize(v: string): string {
  if (v.length === 0) return '';
  let out = v[0] as string;
  let lp = v.charCodeAt(0);
  for (let i = 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const lastOut = out.charCodeAt(out.length - 1);
    if (isSpecial(c)) {
      if (lastOut !== 0x2e) out += '.';
    } else if ((isNonDigit(lp) && isDigit(c)) || (isDigit(lp) && isNonDigit(c))) {
      if (lastOut !== 0x2e) out += '.';
      out += v[i];
    } else if (!isAlnum(c)) {
      if (lastOut !== 0x2e) out += '.';
    } else {
      out += v[i];
    }
    lp = c;
  }
  return out;
}

/** compare_special_version_forms: prefixes ranked, anything else below `dev`. */
const SPECIAL_FORMS: ReadonlyArray<[string, number]> = [
  ['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5],
];

function specialRank(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (form.startsWith(name)) return order;
  return -1;
}

function compareSpecial(a: string, b: string): Ordering {
  const d = specialRank(a) - specialRank(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

const LONG_MAX = '9223372036854775807';

/** strtol of a run of digits: saturates at LONG_MAX. */
function strtol(digits: string): string {
  const s = digits.replace(/^0+/, '');
  if (s.length > LONG_MAX.length || (s.length === LONG_MAX.length && s > LONG_MAX)) return LONG_MAX;
  return s;
}

function compareNumbers(a: string, b: string): Ordering {
  const x = strtol(a);
  const y = strtol(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** php_version_compare on byte strings, walking `.`-separated parts as the C code does. */
export function phpVersionCompare(v1: string, v2: string): Ordering {
  if (v1 === '' || v2 === '') return v1 === '' && v2 === '' ? 0 : v1 === '' ? -1 : 1;
  const a = v1[0] === '#' ? v1 : canonicalize(v1);
  const b = v2[0] === '#' ? v2 : canonicalize(v2);
  let p1 = 0;
  let p2 = 0;
  // n1/n2: where the current part ends (-1 once a string has no '.' left, NULL in the C code)
  let n1 = 0;
  let n2 = 0;
  let compare: Ordering = 0;
  while (p1 < a.length && p2 < b.length && n1 >= 0 && n2 >= 0) {
    n1 = a.indexOf('.', p1);
    n2 = b.indexOf('.', p2);
    const part1 = a.slice(p1, n1 < 0 ? a.length : n1);
    const part2 = b.slice(p2, n2 < 0 ? b.length : n2);
    const d1 = isDigit(part1.charCodeAt(0));
    const d2 = isDigit(part2.charCodeAt(0));
    if (d1 && d2) compare = compareNumbers(part1, part2);
    else if (!d1 && !d2) compare = compareSpecial(part1, part2);
    else compare = d1 ? compareSpecial('#N#', part2) : compareSpecial(part1, '#N#');
    if (compare !== 0) return compare;
    if (n1 >= 0) p1 = n1 + 1;
    if (n2 >= 0) p2 = n2 + 1;
  }
  // The rest of the longer one decides: a number wins, a word compares with "#N#".
  if (n1 >= 0) return isDigit(a.charCodeAt(p1)) ? 1 : phpVersionCompare(a.slice(p1), '#N#');
  if (n2 >= 0) return isDigit(b.charCodeAt(p2)) ? -1 : phpVersionCompare('#N#', b.slice(p2));
  return 0;
}

// ---- the scheme ----

/** Normalized versions, reused: vulnerability matching compares the same few versions many times. */
const cache = new Map<string, string | null>();

function normalized(version: string): string | null {
  let n = cache.get(version);
  if (n === undefined) {
    if (cache.size >= 4096) cache.clear();
    n = normalizeBytes(bytes(version)) ?? null;
    cache.set(version, n);
  }
  return n;
}

/** `VersionParser::normalize(v)`, or undefined where Composer rejects the version. */
export function normalizeComposerVersion(v: string): string | undefined {
  const n = normalized(v);
  return n === null ? undefined : Buffer.from(n, 'latin1').toString('utf8');
}

export const composer: VersionScheme = {
  name: 'composer',
  /**
   * Comparator on normalized versions. Two different `dev-` branches are neither lower, equal nor
   * greater for Composer; Bulkhead orders them by version_compare and then by name so that the
   * order stays total. Versions normalize rejects are compared by version_compare as written
   * (trimmed), except that equal strings are always equal (version_compare says `1.0.*` < `1.0.*`).
   */
  compare(a: string, b: string): Ordering {
    if (a === b) return 0;
    const na = normalized(a) ?? phpTrim(bytes(a));
    const nb = normalized(b) ?? phpTrim(bytes(b));
    if (na === nb) return 0;
    const c = phpVersionCompare(na, nb);
    if (c !== 0 || !na.startsWith('dev-') || !nb.startsWith('dev-')) return c;
    return na < nb ? -1 : 1;
  },
  /** VersionParser::normalize accepts it. */
  valid(v: string): boolean {
    return normalized(v) !== null;
  },
};
