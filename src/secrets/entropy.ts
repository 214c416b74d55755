/**
 * Shannon entropy in bits per character: random tokens of a 62-letter alphabet score about 5, hex
 * about 4, English words and repeated placeholders under 3. Used to gate the generic rules, where the
 * keyword alone says little.
 */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
