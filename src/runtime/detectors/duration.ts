/**
 * Durations of the runtime config (`10s`, `2s`, `7d`: a whole number and one unit, as the schema's
 * regex allows) in milliseconds.
 */
import { BulkheadError } from '../../errors.js';
import { parseDuration } from '../../policy/index.js';

export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new BulkheadError('INPUT_INVALID', `"${text}" is not a duration (a whole number with s, m, h or d)`, { input: text });
  return ms;
}
