/** A version scheme: how one ecosystem orders its versions. One file per scheme in this folder. */
export interface VersionScheme {
  /** Scheme name (`dpkg`, `rpm`, `pep440`...). */
  readonly name: string;
  /** -1, 0 or 1 as `a` sorts before, equal to, or after `b`. Never throws; see `valid`. */
  compare(a: string, b: string): -1 | 0 | 1;
  /** Whether `v` is a well-formed version of the scheme. `compare` of invalid versions is best-effort. */
  valid(v: string): boolean;
}

export type Ordering = -1 | 0 | 1;

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
