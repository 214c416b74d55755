/**
 * Cells for terminal output. Advisory titles and image paths may carry escape sequences: every C0 and
 * C1 control character (ECMA-48 §5) becomes a space before anything reaches the terminal, so a
 * hostile title cannot move the cursor, recolour or rewrite the report.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ELLIPSIS = '…';

export function clean(text: string): string {
  return text.replace(CONTROL, ' ');
}

/** Display length in code points (wide East Asian characters count as one). */
export function displayLength(text: string): number {
  return [...text].length;
}

/** Cuts cleaned text to `max` code points, the last one an ellipsis. */
export function fit(text: string, max: number): string {
  const chars = [...clean(text)];
  if (chars.length <= max) return chars.join('');
  return max <= 1 ? ELLIPSIS.slice(0, max) : chars.slice(0, max - 1).join('') + ELLIPSIS;
}

export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayLength(text)));
}

/** SGR sequences (ECMA-48 §8.3.117) used by the table when colour is on. */
export const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m',
} as const;
