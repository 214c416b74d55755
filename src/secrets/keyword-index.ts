/**
 * The prefilter: one pass over a file's bytes finds every occurrence of every rule keyword, without
 * case. It slides a 24-bit window of the last three bytes (lower-cased through a table) over the
 * buffer and tests a 2 MiB bitmap of the keywords' first three bytes; only on a bitmap hit does it
 * compare whole keywords. Measured on this project's corpus (Debian Perl/Python trees and
 * node_modules) this runs at several hundred MB/s in V8, where one regular expression alternating all
 * keywords ran at about 100 MB/s and one `Buffer.indexOf` per keyword at about 70 MB/s.
 */

const LOWER = new Uint8Array(256);
for (let i = 0; i < 256; i++) LOWER[i] = i >= 65 && i <= 90 ? i + 32 : i;

interface Keyword {
  index: number;
  bytes: Uint8Array;
  /** Indexes of the rules that listed this keyword. */
  rules: number[];
}

export class KeywordIndex {
  private readonly bitmap = new Uint8Array(1 << 21);
  private readonly byPrefix = new Map<number, Keyword[]>();
  readonly keywords: Keyword[] = [];

  /** `keywordsByRule[r]`: rule r's keywords (ASCII, at least three characters). */
  constructor(keywordsByRule: readonly (readonly string[])[]) {
    const byText = new Map<string, Keyword>();
    keywordsByRule.forEach((words, rule) => {
      for (const word of words) {
        const lower = word.toLowerCase();
        let keyword = byText.get(lower);
        if (!keyword) {
          keyword = { index: this.keywords.length, bytes: Buffer.from(lower, 'latin1'), rules: [] };
          byText.set(lower, keyword);
          this.keywords.push(keyword);
          const key = (keyword.bytes[0]! << 16) | (keyword.bytes[1]! << 8) | keyword.bytes[2]!;
          this.bitmap[key >>> 3]! |= 1 << (key & 7);
          const list = this.byPrefix.get(key) ?? [];
          list.push(keyword);
          this.byPrefix.set(key, list);
        }
        if (!keyword.rules.includes(rule)) keyword.rules.push(rule);
      }
    });
  }

  /**
   * Every keyword occurrence as consecutive (offset, keyword index) pairs, in offset order. Stops
   * collecting after `maxHits` pairs (a file full of one keyword is no reason to use much memory).
   */
  find(buffer: Uint8Array, maxHits = 100_000): number[] {
    const hits: number[] = [];
    const length = buffer.length;
    if (length < 3) return hits;
    const bitmap = this.bitmap;
    let key = (LOWER[buffer[0]!]! << 8) | LOWER[buffer[1]!]!;
    for (let i = 2; i < length; i++) {
      key = ((key << 8) | LOWER[buffer[i]!]!) & 0xffffff;
      if ((bitmap[key >>> 3]! & (1 << (key & 7))) === 0) continue;
      const start = i - 2;
      for (const keyword of this.byPrefix.get(key)!) {
        if (matchesAt(buffer, start, keyword.bytes)) {
          hits.push(start, keyword.index);
          if (hits.length >= maxHits * 2) return hits;
        }
      }
    }
    return hits;
  }
}

function matchesAt(buffer: Uint8Array, start: number, word: Uint8Array): boolean {
  if (start + word.length > buffer.length) return false;
  for (let j = 3; j < word.length; j++) if (LOWER[buffer[start + j]!] !== word[j]) return false;
  return true;
}
