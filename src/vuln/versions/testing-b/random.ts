/**
 * A seeded random source for the differential version tests, so that a failing run replays:
 * the seed comes from `BULKHEAD_SEED` when set, and every test prints the seed it used.
 */
export interface Random {
  readonly seed: number;
  /** Float in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seedFromEnv(): number {
  const fromEnv = process.env['BULKHEAD_SEED'];
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Number(fromEnv) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** mulberry32: small, fast and good enough to spread test inputs. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    seed,
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      return items[int(items.length)] as T;
    },
  };
}

/** Flips the case of some letters: every scheme here has case rules worth probing. */
export function shuffleCase(random: Random, text: string): string {
  let out = '';
  for (const ch of text) out += random.chance(0.3) ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
  return out;
}

/** A decimal number, small most of the time, sometimes with leading zeros or very long. */
export function number(random: Random): string {
  const roll = random.next();
  let n: string;
  if (roll < 0.55) n = String(random.int(4));
  else if (roll < 0.8) n = String(random.int(20));
  else if (roll < 0.9) n = String(random.int(100000));
  else if (roll < 0.95) n = String(random.int(2147483647)) + String(random.int(1000));
  else n = '9'.repeat(1 + random.int(25));
  if (random.chance(0.12)) n = '0'.repeat(1 + random.int(3)) + n;
  return n;
}
