/**
 * RPM versions: `[epoch:]version[-release]`, ordered as rpm 4.18 orders them.
 *
 * - Each of epoch, version and release is compared with `rpmvercmp` (rpmio/rpmvercmp.c): the strings
 *   are cut into runs of ASCII digits and runs of ASCII letters, everything else separates runs;
 *   digit runs compare as numbers (leading zeros dropped, longer wins), letter runs by byte, and a
 *   digit run beats a letter run. `~` sorts before everything, even the end; `^` sorts after the end
 *   but before anything else.
 * - The string is split as rpm's `rpmverParse` splits it: leading digits followed by `:` are the epoch
 *   (missing or empty means 0), the text after the last `-` is the release.
 * - Choice: a missing (or empty) release on either side compares equal, as rpm's dependency matching
 *   does (`rpmverOverlap`: "always matches if the side with no release has SENSE_EQUAL"). OSV ranges
 *   sometimes give `1.2.3` for a package whose installed EVR is `1.2.3-4.el9`; that must not sort
 *   before the fix. (rpm's `rpmverCmp`, used by `rpm.ver` in Lua, instead sorts a missing release first.)
 */
import type { Ordering, VersionScheme } from './scheme.js';

const TILDE = 0x7e;
const CARET = 0x5e;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** `rpmvercmp`: compares one field (epoch, version or release). */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la || j < lb) {
    // Skip separators: anything that is not a letter, a digit, `~` or `^`.
    while (i < la) {
      const c = a.charCodeAt(i);
      if (isDigit(c) || isAlpha(c) || c === TILDE || c === CARET) break;
      i++;
    }
    while (j < lb) {
      const c = b.charCodeAt(j);
      if (isDigit(c) || isAlpha(c) || c === TILDE || c === CARET) break;
      j++;
    }
    const ca = a.charCodeAt(i); // NaN at the end
    const cb = b.charCodeAt(j);
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      // `^` is higher than the end of the other string, lower than any other content.
      if (i >= la) return -1;
      if (j >= lb) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= la || j >= lb) break;

    const numeric = isDigit(ca);
    let ei = i;
    let ej = j;
    if (numeric) {
      while (ei < la && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < lb && isDigit(b.charCodeAt(ej))) ej++;
    } else {
      while (ei < la && isAlpha(a.charCodeAt(ei))) ei++;
      while (ej < lb && isAlpha(b.charCodeAt(ej))) ej++;
    }
    // `b` has a run of the other kind here: a number is newer than letters.
    if (ej === j) return numeric ? 1 : -1;

    if (numeric) {
      while (i < ei && a.charCodeAt(i) === 0x30) i++;
      while (j < ej && b.charCodeAt(j) === 0x30) j++;
      const lenA = ei - i;
      const lenB = ej - j;
      if (lenA !== lenB) return lenA > lenB ? 1 : -1;
    }
    // Byte comparison of the runs (equal lengths for numbers; strcmp semantics for letters).
    while (i < ei && j < ej) {
      const d = a.charCodeAt(i) - b.charCodeAt(j);
      if (d !== 0) return d < 0 ? -1 : 1;
      i++;
      j++;
    }
    if (i < ei) return 1;
    if (j < ej) return -1;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

export interface RpmEvr {
  /** `undefined` when the string has no `digits:` prefix. */
  epoch: string | undefined;
  version: string;
  /** `undefined` when there is no `-`. */
  release: string | undefined;
}

/** Splits `[epoch:]version[-release]` as `rpmverParse` does. */
export function parseRpmEvr(evr: string): RpmEvr {
  let s = 0;
  while (s < evr.length && isDigit(evr.charCodeAt(s))) s++;
  const dash = evr.lastIndexOf('-');
  const hasEpoch = evr.charCodeAt(s) === 0x3a;
  const epoch = hasEpoch ? (s === 0 ? '0' : evr.slice(0, s)) : undefined;
  const vStart = hasEpoch ? s + 1 : 0;
  // rpm searches the last `-` after the epoch digits only.
  const rel = dash >= s && dash >= vStart ? dash : -1;
  return {
    epoch,
    version: rel >= 0 ? evr.slice(vStart, rel) : evr.slice(vStart),
    release: rel >= 0 ? evr.slice(rel + 1) : undefined,
  };
}

function cmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const va = parseRpmEvr(a);
  const vb = parseRpmEvr(b);
  const e = rpmvercmp(va.epoch ?? '0', vb.epoch ?? '0');
  if (e !== 0) return e;
  const v = rpmvercmp(va.version, vb.version);
  if (v !== 0) return v;
  if (!va.release || !vb.release) return 0;
  return rpmvercmp(va.release, vb.release);
}

/**
 * Characters rpmbuild accepts in Version and Release (build/parsePreamble.c `rpmCharCheck` with
 * "._+%{}~^"; macros are expanded by then, so `%{}` are left out here).
 */
function fieldValid(f: string): boolean {
  if (f.length === 0) return false;
  for (let k = 0; k < f.length; k++) {
    const c = f.charCodeAt(k);
    if (!(isDigit(c) || isAlpha(c) || c === 0x2e || c === 0x5f || c === 0x2b || c === TILDE || c === CARET)) return false;
  }
  return true;
}

function isValid(v: string): boolean {
  const p = parseRpmEvr(v);
  if (p.epoch !== undefined && p.epoch === '0' && v.charCodeAt(0) === 0x3a) return false;
  return fieldValid(p.version) && (p.release === undefined || fieldValid(p.release));
}

export const rpm: VersionScheme = { name: 'rpm', compare: cmp, valid: isValid };
