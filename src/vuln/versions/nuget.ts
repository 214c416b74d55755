/**
 * NuGet version ordering, as `NuGet.Versioning` orders `NuGetVersion`s
 * (https://learn.microsoft.com/nuget/concepts/package-versioning: "Version basics",
 * "Normalized version numbers" and "Where NuGetVersion diverges from Semantic Versioning").
 *
 * `Major[.Minor[.Patch[.Revision]]][-Prerelease][+Metadata]`: missing parts are 0 and leading
 * zeros do not count (`1.01` = `1.1.0`, `1.0.0.0` = `1.0.0`), metadata is ignored, a version
 * without prerelease sorts above the same version with one. Prerelease labels follow SemVer 2.0.0
 * §11 except that text compares case-insensitively (`1.0.0-alpha` = `1.0.0-Alpha`).
 */
import type { Ordering, VersionScheme } from './scheme.js';

interface Parsed {
  /** Major, minor, patch, revision: digits without leading zeros (`''` is 0). */
  readonly numbers: readonly [string, string, string, string];
  /** Prerelease labels, upper-cased; empty for a release. */
  readonly labels: readonly string[];
}

/** Numbers are System.Version components: Int32. */
const INT32_MAX = '2147483647';
const LABEL = /^[0-9A-Za-z-]+$/;

function fitsInt32(digits: string): boolean {
  return digits.length < INT32_MAX.length || (digits.length === INT32_MAX.length && digits <= INT32_MAX);
}

/** Parses strictly (valid versions) or leniently (best effort for compare). */
function parse(input: string, lenient: boolean): Parsed | undefined {
  let v = lenient ? input.trim().replace(/^[vV=]+/, '') : input;
  const plus = v.indexOf('+');
  if (plus >= 0) {
    const metadata = v.slice(plus + 1);
    if (!lenient && !metadata.split('.').every((l) => LABEL.test(l))) return undefined;
    v = v.slice(0, plus);
  }
  const dash = v.indexOf('-');
  const core = dash < 0 ? v : v.slice(0, dash);
  const release = dash < 0 ? [] : v.slice(dash + 1).split('.');
  if (!lenient && !release.every((l) => LABEL.test(l))) return undefined;
  const parts = core.split('.');
  if (!lenient && (parts.length > 4 || !parts.every((p) => /^[0-9]+$/.test(p)))) return undefined;
  const numbers: [string, string, string, string] = ['', '', '', ''];
  for (let i = 0; i < 4 && i < parts.length; i++) {
    const digits = (lenient ? (/^[0-9]*/.exec(parts[i] as string) as RegExpExecArray)[0] : (parts[i] as string)).replace(/^0+/, '');
    if (!fitsInt32(digits)) {
      if (!lenient) return undefined;
      numbers[i] = INT32_MAX;
    } else numbers[i] = digits;
  }
  return { numbers, labels: release.filter((l) => l !== '').map((l) => l.toUpperCase()) };
}

function compareDigits(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A label NuGet reads as a number: what Int32.TryParse accepts among label characters. */
function labelNumber(label: string): number | undefined {
  if (!/^-?[0-9]+$/.test(label)) return undefined;
  const n = Number(label);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** VersionComparer's release label order: numbers numerically and first, text ordinal ignoring case. */
function compareLabel(a: string, b: string): Ordering {
  const na = labelNumber(a);
  const nb = labelNumber(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(a: Parsed, b: Parsed): Ordering {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.numbers[i] as string, b.numbers[i] as string);
    if (r !== 0) return r;
  }
  if (a.labels.length === 0 || b.labels.length === 0) {
    return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  }
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const r = compareLabel(a.labels[i] as string, b.labels[i] as string);
    if (r !== 0) return r;
  }
  return a.labels.length === b.labels.length ? 0 : a.labels.length < b.labels.length ? -1 : 1;
}

/** Parsed versions, reused: vulnerability matching compares the same few versions many times. */
const cache = new Map<string, Parsed>();

function parsed(version: string): Parsed {
  let p = cache.get(version);
  if (p === undefined) {
    if (cache.size >= 4096) cache.clear();
    p = parse(version, false) ?? (parse(version, true) as Parsed);
    cache.set(version, p);
  }
  return p;
}

/** The normalized form NuGet 3.4+ gives a version (`1.01.1` → `1.1.1`), or undefined if invalid. */
export function normalizeNuGetVersion(v: string): string | undefined {
  if (parse(v, false) === undefined) return undefined;
  const plus = v.indexOf('+');
  const noMetadata = plus < 0 ? v : v.slice(0, plus);
  const dash = noMetadata.indexOf('-');
  const numbers = (dash < 0 ? noMetadata : noMetadata.slice(0, dash)).split('.').map((p) => p.replace(/^0+(?=\d)/, ''));
  while (numbers.length < 3) numbers.push('0');
  if (numbers.length === 4 && numbers[3] === '0') numbers.pop();
  return numbers.join('.') + (dash < 0 ? '' : noMetadata.slice(dash));
}

export const nuget: VersionScheme = {
  name: 'nuget',
  /** Exact for valid versions; others are read leniently (blanks, `v`, junk after the digits dropped). */
  compare(a: string, b: string): Ordering {
    if (a === b) return 0;
    return compareParsed(parsed(a), parsed(b));
  },
  valid(v: string): boolean {
    return parse(v, false) !== undefined;
  },
};
