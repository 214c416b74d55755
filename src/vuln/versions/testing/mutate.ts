/**
 * Character-level mutations shared by the version generators: each changes one small detail, so a
 * version and its mutation are usually near-equal and order by a subtle rule.
 */
import type { SeededRandom } from './seeded-random.js';

/** Adds or subtracts one from a random digit run (keeping its width when it has leading zeros). */
export function bumpNumber(rnd: SeededRandom, v: string): string {
  const runs: Array<[number, number]> = [];
  for (let k = 0; k < v.length; ) {
    if (v[k]! >= '0' && v[k]! <= '9') {
      const s = k;
      while (k < v.length && v[k]! >= '0' && v[k]! <= '9') k++;
      runs.push([s, k]);
    } else k++;
  }
  if (runs.length === 0) return v;
  const [s, e] = rnd.pick(runs);
  const run = v.slice(s, e);
  let n = BigInt(run) + (rnd.chance(0.5) ? 1n : -1n);
  if (n < 0n) n = 0n;
  let text = n.toString();
  if (run.startsWith('0') && text.length < run.length) text = text.padStart(run.length, '0');
  return v.slice(0, s) + text + v.slice(e);
}

/** Inserts `piece` at a random position (or at the end, half of the time). */
export function insertAt(rnd: SeededRandom, v: string, piece: string): string {
  const at = rnd.chance(0.5) ? v.length : rnd.int(0, v.length);
  return v.slice(0, at) + piece + v.slice(at);
}

/** Removes a random run of one to three characters. */
export function deleteSome(rnd: SeededRandom, v: string): string {
  if (v.length < 2) return v;
  const at = rnd.int(0, v.length - 1);
  return v.slice(0, at) + v.slice(at + rnd.int(1, 3));
}

/** Replaces one character by one from `alphabet`. */
export function replaceChar(rnd: SeededRandom, v: string, alphabet: string): string {
  if (v.length === 0) return v;
  const at = rnd.int(0, v.length - 1);
  return v.slice(0, at) + rnd.pick([...alphabet]) + v.slice(at + 1);
}

/** Flips the case of one letter. */
export function flipCase(rnd: SeededRandom, v: string): string {
  const letters = [...v].map((c, k) => (/[a-zA-Z]/.test(c) ? k : -1)).filter((k) => k >= 0);
  if (letters.length === 0) return v;
  const at = rnd.pick(letters);
  const c = v[at]!;
  return v.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + v.slice(at + 1);
}

/** Adds a leading zero to a random digit run. */
export function addLeadingZero(rnd: SeededRandom, v: string): string {
  const starts = [...v].map((c, k) => (/[0-9]/.test(c) && (k === 0 || !/[0-9]/.test(v[k - 1]!)) ? k : -1)).filter((k) => k >= 0);
  if (starts.length === 0) return v;
  const at = rnd.pick(starts);
  return v.slice(0, at) + '0' + v.slice(at);
}
