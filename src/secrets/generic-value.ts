/**
 * Extra checks for the generic rules (`password = ...`, `secret: ...`, `api_key=...`), whose name
 * alone proves little. Tuned against real files (Debian's Perl and Python trees, npm packages): what
 * they reject there is code that names a password rather than holds one.
 */

/** Source files, where an unquoted right-hand side is a variable, not a literal. */
const SOURCE_EXTENSIONS = new Set([
  'py', 'js', 'cjs', 'mjs', 'jsx', 'ts', 'cts', 'mts', 'tsx', 'pl', 'pm', 'rb', 'go', 'java', 'kt', 'scala', 'groovy', 'c', 'h',
  'cc', 'cpp', 'cxx', 'hpp', 'cs', 'php', 'rs', 'swift', 'lua', 'r', 'm', 'dart', 'ex', 'exs', 'erl', 'hs', 'ml', 'vue', 'svelte',
]);

export function isSourcePath(path: string | undefined): boolean {
  if (path === undefined) return false;
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash && SOURCE_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

/** `self.password`, `$CPAN::Config->{x}`, `input.password`, `creds->pass`: references to a value. */
const REFERENCE = /^[$@%]?[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+/u;
const VARIABLE = /^[$@%][A-Za-z_{(]/u;
/** The value repeats the kind of thing it names (`db-password`, `my_secret_key`, `apiKeyValue`). */
const NAMING_WORD = /pass(?:word|wd)|secret|api_?key|token|credential/iu;

/** Keys that name a setting about passwords, not a password (`password_encryption`, `secret_file`). */
const SETTING_KEY = /[_.-](?:file|path|dir|url|uri|name|type|length|len|policy|header|env|version|mode|enabled|required|ttl|expiry|expires|encryption|hash|hashing|algorithm|format|field|prompt|label|min|max|reset|strength|pattern|hint|ref|command|cmd|helper)["']?\s*(?:=|:=|=>|:)/iu;

/** Runs of four or more letters (optionally capitalised) with a vowel: words of an identifier or a phrase. */
const WORD_RUN = /[A-Z]?[a-z]{3,}/gu;
const VOWEL = /[aeiouy]/u;

/**
 * `value` is the candidate, `assignment` the matched text from the key to the value, `line` the
 * whole line (doctest `>>>` lines and JSDoc ` * ` lines are documentation).
 */
export function plausibleGenericValue(value: string, assignment: string, line: string): boolean {
  if (REFERENCE.test(value) || VARIABLE.test(value) || value.startsWith('-')) return false;
  if (NAMING_WORD.test(value)) return false;
  if (!/[^A-Za-z_]/u.test(value)) return false;
  if (SETTING_KEY.test(assignment)) return false;
  if (/^\s*(?:>>>|\.\.\.|\*\s)/u.test(line)) return false;
  // Mostly words (`V1LocalObjectReference`, `elevated-privileges`): an identifier or prose.
  // Separators between words (`base64_encoded_salt`, `elevated-privileges`) count as neither.
  const joined = value.replace(/[_.\s-]/gu, '');
  let wordChars = 0;
  for (const run of joined.match(WORD_RUN) ?? []) if (VOWEL.test(run)) wordChars += run.length;
  return wordChars / Math.max(1, joined.length) < 0.75;
}
