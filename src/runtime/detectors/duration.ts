/**
 * Durations of the runtime config (`10s`, `2s`, `7d`: a whole number and one unit, as the schema's
 * regex allows) in milliseconds.
 */
import { BulkheadError } from '../../errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(text: string): number {
  const m = /^(\d{1,9})([smhd])$/u.exec(text);
  if (!m) throw new BulkheadError('INPUT_INVALID', `"${text}" is not a duration (a whole number with s, m, h or d)`, { input: text });
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
