/**
 * Debian package versions: `[epoch:]upstream_version[-debian_revision]`.
 * Debian Policy §5.6.12 "Version" gives the syntax and the ordering; dpkg's `verrevcmp`
 * (lib/dpkg/version.c) and Perl `Dpkg::Version` implement it. The tests compare this module with both.
 */
import type { Ordering, VersionScheme } from './scheme.js';

const TILDE = 0x7e;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Weight of one character of a non-digit run (Policy §5.6.12): `~` sorts before everything, even the
 * end of the part; the end (and the start of a digit run) comes next; then letters; then all
 * non-letters, which sort after every letter.
 */
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (c === TILDE) return -1;
  if (isAlpha(c)) return c;
  return c + 256;
}

/**
 * Compares an upstream version or a revision: alternating non-digit runs (compared character by
 * character with `order`) and digit runs (compared as numbers of any length, leading zeros ignored).
 */
export function compareDpkgPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la || j < lb) {
    // Non-digit run: both sides advance together while their weights agree.
    for (;;) {
      const ca = a.charCodeAt(i);
      const cb = b.charCodeAt(j);
      const aText = i < la && !isDigit(ca);
      const bText = j < lb && !isDigit(cb);
      if (!aText && !bText) break;
      const oa = order(ca);
      const ob = order(cb);
      if (oa !== ob) return oa - ob;
      i++;
      j++;
    }
    // Digit run: numeric comparison without parsing, so runs longer than 2^53 stay exact.
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

export interface DpkgVersion {
  /** Digits before the first `:`; `0` when there is none. */
  epoch: string;
  upstream: string;
  /** Text after the last `-`; empty when there is none (orders like `0`). */
  revision: string;
  hasEpoch: boolean;
  hasRevision: boolean;
}

/** Splits a version as dpkg does: epoch up to the first colon, revision after the last hyphen. */
export function parseDpkgVersion(v: string): DpkgVersion {
  const colon = v.indexOf(':');
  const hasEpoch = colon >= 0;
  const epoch = hasEpoch ? v.slice(0, colon) : '0';
  const rest = hasEpoch ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  const hasRevision = dash >= 0;
  return {
    epoch,
    upstream: hasRevision ? rest.slice(0, dash) : rest,
    revision: hasRevision ? rest.slice(dash + 1) : '',
    hasEpoch,
    hasRevision,
  };
}

function cmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  // The epoch is a number; comparing it as a digit-only part keeps huge epochs exact.
  const r =
    compareDpkgPart(va.epoch, vb.epoch) ||
    compareDpkgPart(va.upstream, vb.upstream) ||
    compareDpkgPart(va.revision, vb.revision);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/** Characters Policy §5.6.12 allows anywhere in a version (the parts narrow it further). */
function allowedChar(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === 0x2e || c === 0x2b || c === 0x7e || c === 0x2d || c === 0x3a;
}

/**
 * Acceptance as `Dpkg::Version::version_check`: not empty; an epoch, when present, is digits; the
 * upstream version is not empty and starts with a digit; a revision, when its hyphen is present, is not
 * empty; only letters, digits and `.+~-:` appear; and, as dpkg itself, an epoch no larger than INT_MAX.
 */
function isValid(v: string): boolean {
  if (v.length === 0) return false;
  for (let k = 0; k < v.length; k++) if (!allowedChar(v.charCodeAt(k))) return false;
  const p = parseDpkgVersion(v);
  if (p.hasEpoch) {
    if (p.epoch.length === 0) return false;
    for (let k = 0; k < p.epoch.length; k++) if (!isDigit(p.epoch.charCodeAt(k))) return false;
    // dpkg's C parser (lib/dpkg/parsehelp.c) refuses epochs above INT_MAX
    if (Number(p.epoch) > 2_147_483_647) return false;
  }
  if (p.upstream.length === 0 || !isDigit(p.upstream.charCodeAt(0))) return false;
  if (p.hasRevision && p.revision.length === 0) return false;
  return true;
}

export const dpkg: VersionScheme = { name: 'dpkg', compare: cmp, valid: isValid };
