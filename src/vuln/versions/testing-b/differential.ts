/**
 * The shared loop of the differential version tests: our answers against a reference
 * implementation's, every disagreement listed with the pair and both answers.
 */
export interface Disagreement {
  readonly what: string;
  readonly input: readonly string[];
  readonly ours: unknown;
  readonly reference: unknown;
}

export class DisagreementLog {
  readonly list: Disagreement[] = [];
  agreed = 0;

  check(what: string, input: readonly string[], ours: unknown, reference: unknown): void {
    if (ours === reference) this.agreed++;
    else this.list.push({ what, input, ours, reference });
  }

  /** A message naming the seed and the first disagreements, for `assert`. */
  report(scheme: string, seed: number): string {
    const shown = this.list
      .slice(0, 25)
      .map((d) => `  ${d.what} ${d.input.map((v) => JSON.stringify(v)).join(' vs ')}: ours ${String(d.ours)}, reference ${String(d.reference)}`)
      .join('\n');
    return `${scheme}: ${this.list.length} disagreements (agreed ${this.agreed}); replay with BULKHEAD_SEED=${seed}\n${shown}`;
  }
}

/** Pairs biased towards near-equal versions: mostly a version against a small mutation of itself. */
export function pairs(
  count: number,
  chance: (p: number) => boolean,
  generate: () => string,
  mutate: (v: string) => string,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  while (out.length < count) {
    const a = generate();
    let b: string;
    if (chance(0.7)) {
      b = mutate(a);
      if (chance(0.3)) b = mutate(b);
    } else b = generate();
    out.push(chance(0.5) ? [a, b] : [b, a]);
  }
  return out;
}
