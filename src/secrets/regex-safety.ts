/**
 * Guards for regular expressions that come from users' rule files. JavaScript has no linear-time
 * engine among our dependencies, so a hostile pattern such as `(a+)+$` could backtrack for ages.
 * Two defences:
 * 1. The heuristic below refuses the shapes that backtrack exponentially: a group repeated without a
 *    bound (`*`, `+`, `{n,}`) that itself contains a repetition without a bound, an alternation, or a
 *    back-reference (`(a+)+`, `(\w*\s?)*`, `(a|ab)*`, `(a|a)+`). Repetitions of single characters or
 *    classes (`[a-z]+`) and bounded repetitions of groups (`(?:ab){2,5}`) are fine. It is deliberately
 *    stricter than needed: a rule can always say the same thing with a character class.
 * 2. The engine runs every rule only on a window of a few hundred characters around a keyword, so
 *    even a polynomial pattern has a small input.
 */

/** Longest user pattern accepted. */
export const MAX_USER_REGEX_LENGTH = 1000;

interface GroupState {
  unboundedInside: boolean;
  alternation: boolean;
  backreference: boolean;
}

/** Returns why the pattern is refused, or undefined when it is acceptable (and compiles). */
export function regexProblem(source: string, flags = ''): string | undefined {
  if (source.length > MAX_USER_REGEX_LENGTH) return `regex is longer than ${MAX_USER_REGEX_LENGTH} characters`;
  try {
    new RegExp(source, flags);
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /u, '')}`;
  }
  const stack: GroupState[] = [{ unboundedInside: false, alternation: false, backreference: false }];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      if (/[1-9k]/u.test(source[i + 1] ?? '')) stack[stack.length - 1]!.backreference = true;
      i += 2;
      i = afterQuantifier(source, i, stack, undefined);
    } else if (c === '[') {
      i = classEnd(source, i) + 1;
      i = afterQuantifier(source, i, stack, undefined);
    } else if (c === '(') {
      stack.push({ unboundedInside: false, alternation: false, backreference: false });
      i++;
      if (source[i] === '?') {
        // (?:  (?=  (?!  (?<=  (?<!  (?<name>
        i++;
        if (source[i] === '<' && source[i + 1] !== '=' && source[i + 1] !== '!') i = source.indexOf('>', i) + 1;
        else i++;
      }
    } else if (c === ')') {
      const group = stack.pop()!;
      if (stack.length === 0) return 'unbalanced parenthesis';
      i++;
      const problem = afterQuantifierCheck(source, i, group);
      if (problem) return problem;
      const parent = stack[stack.length - 1]!;
      parent.unboundedInside ||= group.unboundedInside;
      parent.backreference ||= group.backreference;
      i = afterQuantifier(source, i, stack, group);
    } else if (c === '|') {
      stack[stack.length - 1]!.alternation = true;
      i++;
    } else {
      i++;
      i = afterQuantifier(source, i, stack, undefined);
    }
  }
  return undefined;
}

/** The quantifier starting at `i`, if any: its length and whether it is unbounded. */
function quantifierAt(source: string, i: number): { length: number; unbounded: boolean } | undefined {
  const c = source[i];
  let length = 0;
  let unbounded = false;
  if (c === '*' || c === '+') {
    length = 1;
    unbounded = true;
  } else if (c === '?') length = 1;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/u.exec(source.slice(i));
    if (!m) return undefined;
    length = m[0].length;
    unbounded = m[2] !== undefined && m[3] === '';
  } else return undefined;
  if (source[i + length] === '?' || source[i + length] === '+') length++;
  return { length, unbounded };
}

function afterQuantifierCheck(source: string, i: number, group: GroupState): string | undefined {
  const q = quantifierAt(source, i);
  if (!q?.unbounded) return undefined;
  if (group.unboundedInside) return 'nested unbounded quantifiers (like (a+)+) can take exponential time';
  if (group.alternation) return 'an unbounded repetition of an alternation (like (a|ab)*) can take exponential time';
  if (group.backreference) return 'an unbounded repetition of a back-reference can take exponential time';
  return undefined;
}

function afterQuantifier(source: string, i: number, stack: GroupState[], _group: GroupState | undefined): number {
  const q = quantifierAt(source, i);
  if (!q) return i;
  if (q.unbounded) stack[stack.length - 1]!.unboundedInside = true;
  return i + q.length;
}

function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  return source.length;
}
