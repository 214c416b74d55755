/**
 * A small seeded random source for the version-scheme differential tests, so that a failure can be
 * replayed: every test prints its seed, and `VERSIONS_SEED=<seed>` runs the same pairs again.
 */

/** The seed for this run: `VERSIONS_SEED` when set, else a fresh one. */
export function testSeed(): number {
  const fromEnv = process.env.VERSIONS_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n)) throw new Error(`VERSIONS_SEED must be an integer, got "${fromEnv}"`);
    return n >>> 0;
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** mulberry32: tiny, fast and good enough to spread test inputs; not for anything secret. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `n` decimal digits; leading zeros only when `leadingZeros` (or n = 1). */
  digits(n: number, leadingZeros = false): string {
    let s = '';
    for (let k = 0; k < n; k++) s += String(k === 0 && !leadingZeros && n > 1 ? this.int(1, 9) : this.int(0, 9));
    return s;
  }

  /** A number biased to small values, sometimes long, sometimes with leading zeros. */
  number(opts: { maxDigits?: number; leadingZeros?: boolean } = {}): string {
    const r = this.next();
    const maxDigits = opts.maxDigits ?? 12;
    let s: string;
    if (r < 0.55) s = String(this.int(0, 3));
    else if (r < 0.85) s = String(this.int(0, 20));
    else s = this.digits(this.int(2, maxDigits));
    if (opts.leadingZeros && this.chance(0.15)) s = '0'.repeat(this.int(1, 2)) + s;
    return s;
  }

  /** A random string over `alphabet` of length in [min, max]. */
  stringOf(alphabet: string, min: number, max: number): string {
    const n = this.int(min, max);
    let s = '';
    for (let k = 0; k < n; k++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

/**
 * Pairs biased towards near-equal versions: a third are a version against a small mutation of itself
 * (the orderings that are easy to get wrong), a third against another version sharing a prefix pool,
 * the rest independent. `mutate` changes one detail of a version.
 */
export function nearPairs(
  rnd: SeededRandom,
  count: number,
  generate: () => string,
  mutate: (v: string) => string,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const pool: string[] = [];
  for (let k = 0; k < count; k++) {
    const a = generate();
    const r = rnd.next();
    let b: string;
    if (r < 0.15) b = a;
    else if (r < 0.55) b = mutate(a);
    else if (r < 0.7) b = mutate(mutate(a));
    else if (r < 0.85 && pool.length > 0) b = rnd.pick(pool);
    else b = generate();
    if (pool.length < 200) pool.push(a);
    else pool[rnd.int(0, pool.length - 1)] = a;
    pairs.push(rnd.chance(0.5) ? [a, b] : [b, a]);
  }
  return pairs;
}
