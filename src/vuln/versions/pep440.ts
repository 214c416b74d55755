/**
 * Python package versions, PEP 440 ("Version specifiers", packaging.python.org): ordering and
 * acceptance as `packaging.version.Version` implements them (the tests compare with it).
 *
 *   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * Accepted spellings (spec "Normalization"): any case, a leading `v`, surrounding whitespace, `-`, `_`
 * or `.` before and after pre/post/dev labels, `alpha`/`beta`/`c`/`pre`/`preview` for `a`/`b`/`rc`,
 * `rev`/`r` for `post`, an implicit post release `1.0-1`, labels without numbers (`1.0a` = `1.0a0`).
 * Like Python's case-insensitive regular expression, a few non-ASCII letters match ASCII ones
 * (`ı` and `İ` match `i`, `ſ` matches `s`, the Kelvin sign matches `k`).
 *
 * Ordering (spec "Summary of permitted suffixes and relative ordering"): epoch, release (trailing zeros
 * ignored), pre-release (a dev release with no pre or post release sorts before all pre-releases; no
 * pre-release sorts after them), post release (none first), dev release (none last), local version
 * (none first; segments compared numerically when both are numbers, a number beats text).
 */
import type { Ordering, VersionScheme } from './scheme.js';

/** A label and its number, e.g. pre-release `rc` 1; numbers are digit strings without leading zeros. */
interface Labelled {
  label: string;
  n: string;
}

interface Pep440Version {
  epoch: string;
  /** Release numbers with trailing zeros removed. */
  release: string[];
  pre: Labelled | undefined;
  post: Labelled | undefined;
  dev: Labelled | undefined;
  /** Numeric segments as numbers (digit strings tagged `num`), others lowercased text. */
  local: Array<{ num: boolean; v: string }> | undefined;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Whether `c` matches the lowercase ASCII letter `l` under Python's Unicode IGNORECASE. */
function letterIs(c: number, l: number): boolean {
  if (c === l || c === l - 32) return true;
  if (l === 0x69) return c === 0x130 || c === 0x131; // i: İ ı
  if (l === 0x73) return c === 0x17f; // s: ſ
  if (l === 0x6b) return c === 0x212a; // k: Kelvin sign
  return false;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x130 || c === 0x131 || c === 0x17f || c === 0x212a;
}

function isSep(c: number): boolean {
  return c === 0x2d || c === 0x5f || c === 0x2e;
}

/** Python's `str.isspace` set, which `\s` in a str pattern matches. */
function isPySpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const PRE_LABELS = ['preview', 'alpha', 'beta', 'pre', 'rc', 'a', 'b', 'c'];
const POST_LABELS = ['post', 'rev', 'r'];
const DEV_LABELS = ['dev'];

/** Normalised spellings (packaging `_parse_letter_number`); others keep their lowercase form. */
const LABEL_NORMAL: ReadonlyMap<string, string> = new Map([
  ['alpha', 'a'],
  ['beta', 'b'],
  ['c', 'rc'],
  ['pre', 'rc'],
  ['preview', 'rc'],
  ['rev', 'post'],
  ['r', 'post'],
]);

function stripZeros(d: string): string {
  let k = 0;
  while (k < d.length - 1 && d.charCodeAt(k) === 0x30) k++;
  return k === 0 ? d : d.slice(k);
}

class Parser {
  pos: number;
  constructor(
    readonly s: string,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  at(k = 0): number {
    const p = this.pos + k;
    return p < this.end ? this.s.charCodeAt(p) : NaN;
  }

  digits(): string | undefined {
    const start = this.pos;
    while (isDigit(this.at())) this.pos++;
    return this.pos > start ? stripZeros(this.s.slice(start, this.pos)) : undefined;
  }

  /** Length of the longest label of `labels` at `pos + offset`, or 0. The list is longest first. */
  label(labels: string[], offset: number): number {
    outer: for (const l of labels) {
      for (let k = 0; k < l.length; k++) if (!letterIs(this.at(offset + k), l.charCodeAt(k))) continue outer;
      return l.length;
    }
    return 0;
  }

  /**
   * `[-_.]?label[-_.]?N?` as the regular expression in packaging matches it. Taking the trailing
   * separator greedily never blocks a later part, since each later part has its own optional separator.
   */
  labelled(labels: string[]): Labelled | undefined {
    const lead = isSep(this.at()) ? 1 : 0;
    const len = this.label(labels, lead);
    if (len === 0) return undefined;
    const raw = this.s.slice(this.pos + lead, this.pos + lead + len).toLowerCase();
    this.pos += lead + len;
    if (isSep(this.at()) && isDigit(this.at(1))) this.pos++;
    const n = this.digits();
    if (n === undefined && isSep(this.at())) this.pos++;
    return { label: LABEL_NORMAL.get(raw) ?? raw, n: n ?? '0' };
  }
}

function parse(v: string): Pep440Version | undefined {
  let start = 0;
  let end = v.length;
  while (start < end && isPySpace(v.charCodeAt(start))) start++;
  while (end > start && isPySpace(v.charCodeAt(end - 1))) end--;
  const p = new Parser(v, start, end);
  if (letterIs(p.at(), 0x76)) p.pos++;

  let first = p.digits();
  if (first === undefined) return undefined;
  let epoch = '0';
  if (p.at() === 0x21) {
    epoch = first;
    p.pos++;
    first = p.digits();
    if (first === undefined) return undefined;
  }
  const release = [first];
  while (p.at() === 0x2e && isDigit(p.at(1))) {
    p.pos++;
    release.push(p.digits() as string);
  }
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  if (release.length === 1 && release[0] === '0') release.pop();

  const pre = p.labelled(PRE_LABELS);
  let post: Labelled | undefined;
  if (p.at() === 0x2d && isDigit(p.at(1))) {
    p.pos++;
    post = { label: 'post', n: p.digits() as string };
  } else {
    post = p.labelled(POST_LABELS);
  }
  const dev = p.labelled(DEV_LABELS);

  let local: Pep440Version['local'];
  if (p.at() === 0x2b) {
    p.pos++;
    local = [];
    for (;;) {
      const segStart = p.pos;
      let allDigits = true;
      while (isDigit(p.at()) || isLetter(p.at())) {
        if (!isDigit(p.at())) allDigits = false;
        p.pos++;
      }
      if (p.pos === segStart) return undefined;
      const seg = v.slice(segStart, p.pos);
      local.push(allDigits ? { num: true, v: stripZeros(seg) } : { num: false, v: seg.toLowerCase() });
      if (!isSep(p.at())) break;
      p.pos++;
    }
  }
  if (p.pos !== end) return undefined;
  return { epoch, release, pre, post, dev, local };
}

/** Integers as digit strings without leading zeros. */
function compareInt(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLabelled(a: Labelled, b: Labelled): number {
  return compareText(a.label, b.label) || compareInt(a.n, b.n);
}

/** Compares two optional parts where a missing part sorts `missing` (-1 first, 1 last). */
function compareOptional(a: Labelled | undefined, b: Labelled | undefined, missing: number): number {
  if (a === undefined) return b === undefined ? 0 : missing;
  if (b === undefined) return -missing;
  return compareLabelled(a, b);
}

function compareRelease(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const r = compareInt(a[k] as string, b[k] as string);
    if (r !== 0) return r;
  }
  return a.length - b.length;
}

/** Rank of a pre-release for ordering: dev-only releases first, final releases (no pre) last. */
function preRank(v: Pep440Version): number {
  if (v.pre) return 0;
  return v.post === undefined && v.dev !== undefined ? -1 : 1;
}

function compareLocal(a: Pep440Version['local'], b: Pep440Version['local']): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k] as { num: boolean; v: string };
    const y = b[k] as { num: boolean; v: string };
    if (x.num !== y.num) return x.num ? 1 : -1;
    const r = x.num ? compareInt(x.v, y.v) : compareText(x.v, y.v);
    if (r !== 0) return r;
  }
  return a.length - b.length;
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  const ra = preRank(a);
  const rb = preRank(b);
  return (
    compareInt(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    ra - rb ||
    (ra === 0 ? compareLabelled(a.pre as Labelled, b.pre as Labelled) : 0) ||
    compareOptional(a.post, b.post, -1) ||
    compareOptional(a.dev, b.dev, 1) ||
    compareLocal(a.local, b.local)
  );
}

/** Invalid versions sort before valid ones and, among themselves, by their text (best effort). */
function cmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const pa = parse(a);
  const pb = parse(b);
  let r: number;
  if (pa && pb) r = comparePep440(pa, pb);
  else if (!pa && !pb) r = compareText(a, b);
  else r = pa ? 1 : -1;
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

export const pep440: VersionScheme = { name: 'pep440', compare: cmp, valid: (v) => parse(v) !== undefined };
