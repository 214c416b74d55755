/**
 * Version ranges of denied packages: `>=2.0.0 <2.17.1 || =1.2.3`. Alternatives are joined by `||`;
 * inside one, comparators joined by spaces must all hold. A bare version means `=`. The range is
 * judged with the version order of the package's own ecosystem (dpkg for deb, PEP 440 for pypi...),
 * so no single scheme's range grammar (npm's `^`, Maven's `[1,2)`) is assumed.
 */
export type Operator = '<' | '<=' | '>' | '>=' | '=' | '!=';

export interface Comparator {
  op: Operator;
  version: string;
}

/** Alternatives of conjunctions. */
export type VersionRange = Comparator[][];

const COMPARATOR_RE = /^(<=|>=|!=|<|>|=)?([^\s<>=!|]+)$/u;

/** Throws `Error` naming the part it cannot read. */
export function parseVersionRange(text: string): VersionRange {
  const alternatives = text.split('||').map((a) => a.trim());
  return alternatives.map((alternative) => {
    if (alternative === '') throw new Error('empty alternative');
    // `>= 2.0` is read as `>=2.0`: join an operator standing alone with the version after it
    const tokens = alternative.split(/\s+/u);
    const joined: string[] = [];
    for (const t of tokens) {
      const last = joined[joined.length - 1];
      if (last !== undefined && /^(<=|>=|!=|<|>|=)$/u.test(last)) joined[joined.length - 1] = last + t;
      else joined.push(t);
    }
    return joined.map((token) => {
      const m = COMPARATOR_RE.exec(token);
      if (!m) throw new Error(`"${token}" is not a comparator`);
      return { op: (m[1] ?? '=') as Operator, version: m[2]! };
    });
  });
}

/** Whether `version` is in `range`, with `compare` the ecosystem's order (-1, 0, 1). */
export function inVersionRange(version: string, range: VersionRange, compare: (a: string, b: string) => number): boolean {
  return range.some((all) =>
    all.every(({ op, version: bound }) => {
      const c = compare(version, bound);
      switch (op) {
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
        case '=':
          return c === 0;
        case '!=':
          return c !== 0;
      }
    }),
  );
}
