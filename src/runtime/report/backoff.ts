/**
 * Retry delays while the server is unreachable: exponential, capped, with "full jitter" (a uniform
 * draw below the exponential bound), so many agents that lost the same server do not all come back
 * in the same instant. Pure: the random source is a parameter.
 */
export interface BackoffOptions {
  /** First bound, ms (default 500). */
  baseMs?: number;
  /** Largest delay, ms (default 30 s). */
  capMs?: number;
}

/** Delay before retry number `attempt` (0 = the first retry after a failure). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const bound = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  // never below a tenth of the bound: a zero draw would turn into a tight retry loop
  return Math.round(bound / 10 + random() * (bound * 0.9));
}
