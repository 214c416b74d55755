/** Units a policy duration may use, in milliseconds. */
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `12h`, `7d`, `90m`, `30s`: one whole number and one unit (a time to live is written once, by a
 * person; compound forms like `1d12h` would only add ways to misread it). Milliseconds, or undefined.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd])$/u.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * UNITS[m[2]!]! : undefined;
}

/** A duration as people read it: `2d 3h`, `45m`, `12s`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms / 1000));
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.slice(0, 2).join(' ');
}
