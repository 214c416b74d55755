/**
 * Alpine (apk) versions: `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`, ordered as
 * apk-tools 3 orders them (src/version.c, "Alpine version"; its test/unit/version.data vectors are the
 * table test). The tokens, in the order a version may hold them:
 *
 *   initial number, `.number`s, one lowercase letter, `_suffix[number]`s, `~hexhash`, `-rN`.
 *
 * Equal leading tokens are skipped; the first differing token decides. Numbers compare numerically,
 * except a `.number` where either side has a leading zero, which compares as text (Gentoo rule). Suffix
 * order: `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`.
 * When one version runs out of tokens, or continues with another kind of token, the one continuing with
 * an earlier kind of token is newer, except that a pre-release suffix makes it older. An invalid tail
 * sorts below everything; two versions invalid at the same point compare equal (as apk does).
 *
 * Numbers here have any length (apk uses 64-bit integers; they differ only past 19 digits).
 */
import type { Ordering, VersionScheme } from './scheme.js';

const enum Tok {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
  Invalid = 8,
}

/** Suffix weights; `none` (5) is the plain release between pre- and post-release suffixes. */
const SUFFIX_NONE = 5;
const SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66);
}

/** A cursor over one version string; `start`/`end` delimit the current token's text. */
class Tokens {
  tok: Tok = Tok.InitialDigit;
  start = 0;
  end = 0;
  suffix = 0;
  private pos = 0;

  constructor(private readonly s: string) {
    this.digits();
  }

  text(): string {
    return this.s.slice(this.start, this.end);
  }

  char(): number {
    return this.s.charCodeAt(this.start);
  }

  private digits(): void {
    this.start = this.pos;
    while (isDigit(this.s.charCodeAt(this.pos))) this.pos++;
    this.end = this.pos;
    if (this.end === this.start) this.tok = Tok.Invalid;
  }

  /** Moves to the next token, checking that it may follow the current one. */
  next(): void {
    const s = this.s;
    if (this.pos >= s.length) {
      this.tok = Tok.End;
      return;
    }
    const c = s.charCodeAt(this.pos);
    const t = this.tok;
    if (isLower(c)) {
      if (t > Tok.Digit) return this.invalid();
      this.start = this.pos++;
      this.end = this.pos;
      this.tok = Tok.Letter;
    } else if (c === 0x2e || isDigit(c)) {
      if (c === 0x2e) {
        if (t > Tok.Digit) return this.invalid();
        this.pos++;
      }
      if (t === Tok.InitialDigit || t === Tok.Digit) this.tok = Tok.Digit;
      else if (t === Tok.Suffix) this.tok = Tok.SuffixNo;
      else return this.invalid();
      this.digits();
    } else if (c === 0x5f) {
      if (t > Tok.SuffixNo) return this.invalid();
      this.start = ++this.pos;
      while (isLower(s.charCodeAt(this.pos))) this.pos++;
      this.end = this.pos;
      const w = SUFFIXES.get(s.slice(this.start, this.end));
      if (w === undefined) return this.invalid();
      this.suffix = w;
      this.tok = Tok.Suffix;
    } else if (c === 0x7e) {
      if (t >= Tok.CommitHash) return this.invalid();
      this.start = ++this.pos;
      while (isHex(s.charCodeAt(this.pos))) this.pos++;
      this.end = this.pos;
      if (this.end === this.start) return this.invalid();
      this.tok = Tok.CommitHash;
    } else if (c === 0x2d) {
      if (t >= Tok.RevisionNo || s.charCodeAt(this.pos + 1) !== 0x72) return this.invalid();
      this.pos += 2;
      this.tok = Tok.RevisionNo;
      this.digits();
    } else {
      this.invalid();
    }
  }

  private invalid(): void {
    this.tok = Tok.Invalid;
  }
}

/** Numeric order of two digit strings of any length. */
function compareNumber(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (a.charCodeAt(i) === 0x30) i++;
  while (b.charCodeAt(j) === 0x30) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la - lb;
  return compareText(a.slice(i), b.slice(j));
}

/** Byte order, shorter first on a common prefix (`apk_blob_sort`). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareToken(ta: Tokens, tb: Tokens): number {
  switch (ta.tok) {
    case Tok.Digit: {
      const x = ta.text();
      const y = tb.text();
      if (x.charCodeAt(0) === 0x30 || y.charCodeAt(0) === 0x30) return compareText(x, y);
      return compareNumber(x, y);
    }
    case Tok.InitialDigit:
    case Tok.SuffixNo:
    case Tok.RevisionNo:
      return compareNumber(ta.text(), tb.text());
    case Tok.Letter:
      return ta.char() - tb.char();
    case Tok.Suffix:
      return ta.suffix - tb.suffix;
    default:
      return compareText(ta.text(), tb.text());
  }
}

function cmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const ta = new Tokens(a);
  const tb = new Tokens(b);
  while (ta.tok === tb.tok && ta.tok < Tok.End) {
    const r = compareToken(ta, tb);
    if (r !== 0) return r < 0 ? -1 : 1;
    ta.next();
    tb.next();
  }
  if (ta.tok === tb.tok) return 0;
  if (ta.tok === Tok.Suffix && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.tok === Tok.Suffix && tb.suffix < SUFFIX_NONE) return 1;
  return ta.tok > tb.tok ? -1 : 1;
}

function isValid(v: string): boolean {
  const t = new Tokens(v);
  while (t.tok < Tok.End) t.next();
  return t.tok === Tok.End;
}

export const apk: VersionScheme = { name: 'apk', compare: cmp, valid: isValid };
