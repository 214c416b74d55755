/**
 * Path globs for ignore rules (`paths:` in .bulkheadignore.yaml), matched against image-root relative
 * paths (`usr/lib/node_modules/npm/package.json`, no leading slash).
 *
 * The syntax is the common shell/gitignore subset, with the same meaning minimatch gives it except
 * that `*` and `**` also match names starting with a dot (a finding under `root/.npm/` must be
 * ignorable by `root/**`):
 * - `*` any run of characters inside one path segment; `?` one character other than `/`;
 * - `**` as a whole segment: zero or more segments (`a/**\/b` matches `a/b`, `a/x/y/b`); elsewhere it
 *   is the same as `*`;
 * - `[abc]`, `[a-z]`, `[!abc]` / `[^abc]` one character of (or not of) a set, never `/`;
 * - `{a,b}` alternatives (may contain the other forms, not nested braces);
 * - `\x` the character x itself.
 * A leading `/` or `./` is dropped: paths are always image-root relative.
 * Patterns are anchored: they match the whole path.
 */

/** Longest pattern accepted; rules are short, and this bounds the regular expression we build. */
export const MAX_GLOB_LENGTH = 1024;

/** Compiles a glob to an anchored regular expression; throws `Error` with a reason when malformed. */
export function globToRegExp(glob: string): RegExp {
  if (glob.length > MAX_GLOB_LENGTH) throw new Error(`glob is longer than ${MAX_GLOB_LENGTH} characters`);
  let pattern = glob;
  while (pattern.startsWith('./')) pattern = pattern.slice(2);
  pattern = pattern.replace(/^\/+/, '');
  if (pattern === '') throw new Error('empty glob');
  return new RegExp(`^${translate(pattern, false)}$`, 'su');
}

/** Whether `path` (image-root relative; a leading slash is ignored) matches `glob`. */
export function matchesGlob(path: string, glob: string | RegExp): boolean {
  const re = typeof glob === 'string' ? globToRegExp(glob) : glob;
  return re.test(path.replace(/^\/+/, ''));
}

function translate(pattern: string, inBraces: boolean): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '*') {
      let j = i;
      while (pattern[j] === '*') j++;
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      const atSegmentEnd = j === pattern.length || pattern[j] === '/';
      if (j - i >= 2 && atSegmentStart && atSegmentEnd && !inBraces) {
        if (j === pattern.length) {
          // trailing `**`: everything below (at least one more segment when preceded by `/`).
          out += '.*';
          i = j;
        } else {
          // `**/`: zero or more whole segments.
          out += '(?:[^/]*/)*';
          i = j + 1;
        }
      } else {
        out += '[^/]*';
        i = j;
      }
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) {
        out += '\\[';
        i++;
      } else {
        let body = pattern.slice(i + 1, end);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        const escaped = body.replace(/\\(.)/gsu, '$1').replace(/[\\\]^]/gu, '\\$&');
        out += negated ? `[^/${escaped}]` : `(?![/])[${escaped}]`;
        i = end + 1;
      }
    } else if (c === '{' && !inBraces) {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) throw new Error('unclosed "{" in glob');
      const alternatives = splitAlternatives(pattern.slice(i + 1, end));
      out += `(?:${alternatives.map((a) => translate(a, true)).join('|')})`;
      i = end + 1;
    } else if (c === '\\') {
      if (i + 1 >= pattern.length) throw new Error('glob ends with "\\"');
      out += escapeRegExp(pattern[i + 1]!);
      i += 2;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return out;
}

/** Index of the `]` closing a class opened at `start`, or -1 (then `[` is literal, as in shells). */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++; // `[]abc]`: a leading `]` is part of the set
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '/') return -1;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      current += body.slice(i, i + 2);
      i++;
    } else if (body[i] === ',') {
      parts.push(current);
      current = '';
    } else if (body[i] === '{') {
      throw new Error('nested "{" in glob');
    } else current += body[i];
  }
  parts.push(current);
  return parts;
}

function escapeRegExp(s: string): string {
  // Only syntax characters: the `u` flag refuses identity escapes of anything else.
  return s.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}
