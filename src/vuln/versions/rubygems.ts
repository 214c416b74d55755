/**
 * RubyGems version ordering: `Gem::Version#<=>` and `Gem::Version.correct?` of RubyGems 3
 * (lib/rubygems/version.rb; https://guides.rubygems.org/patterns/#semantic-versioning and the
 * class documentation at https://docs.ruby-lang.org/en/master/Gem/Version.html).
 *
 * A version is stripped, every `-` becomes `.pre.`, and it is scanned into segments: runs of digits
 * (integers) and runs of letters (strings, case kept). Trailing zeros are dropped from the numeric
 * release part and from the prerelease part separately ("canonical segments"). Segments compare
 * pairwise, the shorter list padded with 0: a string sorts before any number (prerelease), strings
 * compare by bytes, numbers by value.
 */
import type { Ordering, VersionScheme } from './scheme.js';

/**
 * Gem::Version::ANCHORED_VERSION_PATTERN. Ruby's `\s` is ASCII whitespace only, so it is spelled
 * out; an empty or blank string is correct and means "0".
 */
const CORRECT =
  /^[ \t\n\v\f\r]*(?:[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\n\v\f\r]*$/;

/** A segment: a number as digits without leading zeros (`''` is 0), or a word. */
interface Segment {
  readonly numeric: boolean;
  readonly text: string;
}

interface Parsed {
  /** The version string after strip and `-` → `.pre.` (equal strings are equal versions). */
  readonly version: string;
  readonly canonical: readonly Segment[];
}

const ZERO: Segment = { numeric: true, text: '' };

/** Ruby String#strip: ASCII whitespace and NUL. */
function rubyStrip(v: string): string {
  return v.replace(/^[\0\t\n\v\f\r ]+|[\0\t\n\v\f\r ]+$/g, '');
}

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && (segments[end - 1] as Segment).numeric && (segments[end - 1] as Segment).text === '') end--;
  return segments.slice(0, end);
}

function parse(input: string): Parsed {
  // Gem::Version#initialize: a blank version is "0".
  const blank = /^[ \t\n\v\f\r]*$/.test(input);
  const version = blank ? '0' : rubyStrip(input).replaceAll('-', '.pre.');
  // Gem::Version#_segments: scan(/[0-9]+|[a-z]+/i)
  const segments: Segment[] = [];
  for (const m of version.matchAll(/[0-9]+|[a-z]+/gi)) {
    const text = m[0];
    if (text.charCodeAt(0) <= 0x39) segments.push({ numeric: true, text: text.replace(/^0+/, '') });
    else segments.push({ numeric: false, text });
  }
  // canonical_segments: the release part (up to the first string) and the prerelease part each lose
  // their trailing zeros, then are joined.
  const firstString = segments.findIndex((s) => !s.numeric);
  const canonical =
    firstString < 0
      ? dropTrailingZeros(segments)
      : [...dropTrailingZeros(segments.slice(0, firstString)), ...dropTrailingZeros(segments.slice(firstString))];
  return { version, canonical };
}

function compareSegment(a: Segment, b: Segment): Ordering {
  if (a.numeric !== b.numeric) return a.numeric ? 1 : -1;
  if (a.numeric && a.text.length !== b.text.length) return a.text.length < b.text.length ? -1 : 1;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

/** Gem::Version#<=> over parsed versions. */
function compareParsed(a: Parsed, b: Parsed): Ordering {
  if (a.version === b.version) return 0;
  const n = Math.max(a.canonical.length, b.canonical.length);
  for (let i = 0; i < n; i++) {
    const r = compareSegment(a.canonical[i] ?? ZERO, b.canonical[i] ?? ZERO);
    if (r !== 0) return r;
  }
  return 0;
}

/** Parsed versions, reused: vulnerability matching compares the same few versions many times. */
const cache = new Map<string, Parsed>();

function parsed(version: string): Parsed {
  let p = cache.get(version);
  if (p === undefined) {
    if (cache.size >= 4096) cache.clear();
    p = parse(version);
    cache.set(version, p);
  }
  return p;
}

export const rubygems: VersionScheme = {
  name: 'rubygems',
  /**
   * Exact for versions `valid` accepts. Gem::Version refuses other strings; for them Bulkhead scans
   * digits and letters the same way, ignoring the characters RubyGems would reject.
   */
  compare(a: string, b: string): Ordering {
    if (a === b) return 0;
    return compareParsed(parsed(a), parsed(b));
  },
  /** Gem::Version.correct? */
  valid(v: string): boolean {
    return CORRECT.test(v);
  },
};
