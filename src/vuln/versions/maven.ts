/**
 * Maven version ordering, as `org.apache.maven.artifact.versioning.ComparableVersion` of Maven 3.8
 * orders it (POM reference, "Version Order Specification":
 * https://maven.apache.org/pom.html#version-order-specification).
 *
 * A version is lower-cased and split into items at `.` and `-` and at every digit/letter
 * transition. Items are numbers, qualifiers or sub-lists: a `-` (and a transition) opens a
 * sub-list, so `1-1` is `[1, [1]]`. Null items ("0", "", "ga", "final", "release") are trimmed from
 * the end of every list. Qualifiers order alpha < beta < milestone < rc = cr < snapshot <
 * "" = ga = final = release < sp < any other word (other words lexically among themselves).
 * Across kinds: list < number, qualifier < number, qualifier < list.
 */
import type { Ordering, VersionScheme } from './scheme.js';

/** Numeric widths of ComparableVersion: IntItem (≤ 9 digits), LongItem (≤ 18), BigIntegerItem. */
const INT = 0;
const LONG = 1;
const BIG = 2;

interface NumberItem {
  readonly kind: 'number';
  /** Int/Long/BigInteger: Maven orders a wider item above a narrower one whatever their values. */
  readonly width: 0 | 1 | 2;
  /** Value as ASCII digits without leading zeros (`''` for zero). */
  readonly digits: string;
}
interface QualifierItem {
  readonly kind: 'qualifier';
  /** `StringItem.comparableQualifier`: the index of a known qualifier, or `7-<word>`. */
  readonly key: string;
}
interface ListItem {
  readonly kind: 'list';
  readonly items: Item[];
}
type Item = NumberItem | QualifierItem | ListItem;

const ZERO: NumberItem = { kind: 'number', width: INT, digits: '' };
const KNOWN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
/** comparableQualifier("") — the release marker every other qualifier is measured against. */
const RELEASE_KEY = String(KNOWN_QUALIFIERS.indexOf(''));

function qualifier(word: string, followedByDigit: boolean): QualifierItem {
  let value = word;
  // "a1", "b2", "m3" are shorthands only when a digit follows the letter.
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  value = Object.hasOwn(ALIASES, value) ? (ALIASES[value] as string) : value;
  const index = KNOWN_QUALIFIERS.indexOf(value);
  return { kind: 'qualifier', key: index < 0 ? `${KNOWN_QUALIFIERS.length}-${value}` : String(index) };
}

/** `Character.isDigit(char)`: any Unicode decimal digit, one UTF-16 unit at a time. */
function isDigit(code: number): boolean {
  if (code >= 0x30 && code <= 0x39) return true;
  return code > 0x7f && /\p{Nd}/u.test(String.fromCharCode(code));
}

/** The value of a decimal digit of any script (Nd digits come in runs of ten, zero first). */
function digitValue(code: number): number {
  if (code <= 0x39) return code - 0x30;
  let zero = code;
  while (code - zero < 9 && /\p{Nd}/u.test(String.fromCharCode(zero - 1))) zero--;
  return code - zero;
}

function numberItem(text: string): NumberItem {
  // stripLeadingZeroes strips ASCII '0' only and keeps an all-zero string whole; the width follows
  // the stripped length, the value follows the digits.
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === 0x30) start++;
  const strippedLength = start === text.length ? text.length : text.length - start;
  const width = strippedLength <= 9 ? INT : strippedLength <= 18 ? LONG : BIG;
  let digits = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const d = code <= 0x39 ? code - 0x30 : digitValue(code);
    if (digits === '' && d === 0) continue;
    digits += String(d);
  }
  return { kind: 'number', width, digits };
}

function parseItem(digit: boolean, text: string): Item {
  return digit ? numberItem(text) : qualifier(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return item.digits === '';
  if (item.kind === 'qualifier') return item.key === RELEASE_KEY;
  return item.items.length === 0;
}

/** ListItem.normalize: drop null items from the end, looking past non-null sub-lists. */
function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (isNull(item)) items.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** ComparableVersion.parseVersion. */
function parse(version: string): ListItem {
  const text = version.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  const lists: ListItem[] = [root];
  let list = root;
  const openList = (): void => {
    const child: ListItem = { kind: 'list', items: [] };
    list.items.push(child);
    list = child;
    lists.push(child);
  };
  let inDigits = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e /* . */ || c === 0x2d /* - */) {
      list.items.push(i === start ? ZERO : parseItem(inDigits, text.slice(start, i)));
      start = i + 1;
      if (c === 0x2d) openList();
    } else if (isDigit(c)) {
      if (!inDigits && i > start) {
        // letters then digits ("rc1"): the word goes into its own sub-list, the number into another
        if (list.items.length > 0) openList();
        list.items.push(qualifier(text.slice(start, i), true));
        start = i;
        openList();
      }
      inDigits = true;
    } else {
      if (inDigits && i > start) {
        list.items.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      inDigits = false;
    }
  }
  if (text.length > start) {
    if (!inDigits && list.items.length > 0) openList();
    list.items.push(parseItem(inDigits, text.slice(start)));
  }
  for (let i = lists.length - 1; i >= 0; i--) normalize(lists[i] as ListItem);
  return root;
}

function compareDigits(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Item.compareTo(other), where a missing `other` is the padding of a shorter list. */
function compareItem(a: Item, b: Item | undefined): Ordering {
  if (b === undefined) {
    if (a.kind === 'number') return a.digits === '' ? 0 : 1;
    if (a.kind === 'qualifier') return compareStrings(a.key, RELEASE_KEY);
    for (const item of a.items) {
      const r = compareItem(item, undefined);
      if (r !== 0) return r;
    }
    return 0;
  }
  if (a.kind === 'number') {
    if (b.kind !== 'number') return 1;
    if (a.width !== b.width) return a.width < b.width ? -1 : 1;
    return compareDigits(a.digits, b.digits);
  }
  if (a.kind === 'qualifier') {
    return b.kind === 'qualifier' ? compareStrings(a.key, b.key) : -1;
  }
  if (b.kind === 'number') return -1;
  if (b.kind === 'qualifier') return 1;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const l = a.items[i];
    const r = b.items[i];
    const result = l === undefined ? (r === undefined ? 0 : (-compareItem(r, undefined) as Ordering)) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

/** Parsed versions, reused: vulnerability matching compares the same few versions many times. */
const cache = new Map<string, ListItem>();

function parsed(version: string): ListItem {
  let items = cache.get(version);
  if (items === undefined) {
    if (cache.size >= 4096) cache.clear();
    items = parse(version);
    cache.set(version, items);
  }
  return items;
}

export const maven: VersionScheme = {
  name: 'maven',
  compare(a: string, b: string): Ordering {
    if (a === b) return 0;
    return compareItem(parsed(a), parsed(b));
  },
  /**
   * ComparableVersion accepts any string; Bulkhead calls a Maven version valid when it is non-empty
   * and has no whitespace or control characters (which no published Maven version carries).
   */
  valid(v: string): boolean {
    return v.length > 0 && !/[\s\p{Cc}]/u.test(v);
  },
};
