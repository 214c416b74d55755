/**
 * Go module versions: semantic versions with a `v` prefix, ordered as golang.org/x/mod/semver.Compare
 * orders them (Semantic Versioning 2.0.0 §9–11 plus Go's shorthands `v1` = `v1.0.0`, `v1.2` = `v1.2.0`).
 *
 * - Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`,
 *   `v1.2.3-pre.0.20191109021931-daa7c04131f5`; Go Modules Reference "Pseudo-versions") are ordinary
 *   pre-releases, so they need no special case: their ordering falls out of §11.
 * - Build metadata (`+incompatible`) is ignored for ordering.
 * - An invalid version sorts before every valid one; invalid versions are equal to each other.
 * - OSV Go records write `1.2.3`; a version without the `v` is read as if it had one.
 */
import type { Ordering, VersionScheme } from './scheme.js';

interface Parsed {
  major: string;
  minor: string;
  patch: string;
  /** Including the leading `-`; empty when there is none. */
  prerelease: string;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isIdentChar(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
}

/** End index of a decimal number at `i` without leading zeros, or -1. */
function numberEnd(v: string, i: number): number {
  let k = i;
  while (isDigit(v.charCodeAt(k))) k++;
  if (k === i) return -1;
  if (v.charCodeAt(i) === 0x30 && k - i !== 1) return -1;
  return k;
}

/**
 * End index of dot-separated, non-empty identifiers starting after the `-` or `+` at `i`, or -1.
 * Pre-release numeric identifiers must not have leading zeros (§9); build identifiers may (§10).
 */
function identsEnd(v: string, i: number, prerelease: boolean): number {
  let k = i + 1;
  let start = k;
  for (;;) {
    const c = v.charCodeAt(k);
    if (k < v.length && c !== 0x2b && c !== 0x2e) {
      if (!isIdentChar(c)) return -1;
      k++;
      continue;
    }
    if (k === start) return -1;
    if (prerelease && isBadNumber(v, start, k)) return -1;
    if (c !== 0x2e || k >= v.length) return k;
    start = ++k;
  }
}

function isBadNumber(v: string, start: number, end: number): boolean {
  if (end - start < 2 || v.charCodeAt(start) !== 0x30) return false;
  for (let k = start; k < end; k++) if (!isDigit(v.charCodeAt(k))) return false;
  return true;
}

function parse(input: string): Parsed | undefined {
  const v = input.charCodeAt(0) === 0x76 ? input : 'v' + input;
  let k = numberEnd(v, 1);
  if (k < 0) return undefined;
  const major = v.slice(1, k);
  if (k === v.length) return { major, minor: '0', patch: '0', prerelease: '' };
  if (v.charCodeAt(k) !== 0x2e) return undefined;
  let e = numberEnd(v, k + 1);
  if (e < 0) return undefined;
  const minor = v.slice(k + 1, e);
  if (e === v.length) return { major, minor, patch: '0', prerelease: '' };
  if (v.charCodeAt(e) !== 0x2e) return undefined;
  k = e + 1;
  e = numberEnd(v, k);
  if (e < 0) return undefined;
  const patch = v.slice(k, e);
  let prerelease = '';
  if (v.charCodeAt(e) === 0x2d) {
    const p = identsEnd(v, e, true);
    if (p < 0) return undefined;
    prerelease = v.slice(e, p);
    e = p;
  }
  if (v.charCodeAt(e) === 0x2b) {
    e = identsEnd(v, e, false);
    if (e < 0) return undefined;
  }
  return e === v.length ? { major, minor, patch, prerelease } : undefined;
}

/** Numbers without leading zeros: the longer is larger, else text order. */
function compareInt(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNumeric(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return true;
}

/** §11.4: no pre-release > any pre-release; identifiers left to right; numeric < alphanumeric. */
function comparePrerelease(x: string, y: string): number {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const dx = xs[k] as string;
    const dy = ys[k] as string;
    if (dx === dy) continue;
    const nx = isNumeric(dx);
    const ny = isNumeric(dy);
    if (nx !== ny) return nx ? -1 : 1;
    if (nx) return compareInt(dx, dy);
    return dx < dy ? -1 : 1;
  }
  return xs.length < ys.length ? -1 : xs.length > ys.length ? 1 : 0;
}

function cmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return !pa && !pb ? 0 : !pa ? -1 : 1;
  const r =
    compareInt(pa.major, pb.major) ||
    compareInt(pa.minor, pb.minor) ||
    compareInt(pa.patch, pb.patch) ||
    comparePrerelease(pa.prerelease, pb.prerelease);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

export const goModule: VersionScheme = { name: 'go', compare: cmp, valid: (v) => parse(v) !== undefined };
