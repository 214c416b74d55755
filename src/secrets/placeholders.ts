/**
 * Values that are written where a secret will go, not secrets: templates (`${DB_PASSWORD}`,
 * `{{ .Values.password }}`, `<password>`, `%(password)s`), words people use as stand-ins
 * (`changeme`, `example`, `xxxx`), and references to where the secret really lives (`process.env.X`,
 * `os.environ[...]`). Checked for every rule that sets `placeholders` and for all generic rules.
 */

const TEMPLATE = /^[$@%][A-Za-z_{(]|\$\{[^}]*\}|\$\([^)]*\)|\{\{.*\}\}|\{%.*%\}|<%.*%>|^<[^<>]+>$|%\([A-Za-z_]+\)s|^%[sd]$|^\$[A-Za-z_][A-Za-z0-9_]*$|^@[A-Za-z_]+@$|#\{[^}]*\}/u;

/** Lower-case fragments that mark a stand-in; matched anywhere in the value. */
const STAND_IN_WORDS = [
  'changeme', 'change_me', 'change-me', 'changeit', 'example', 'placeholder', 'xxxx', 'xxx-', '****', '....',
  '<your', 'your_', 'your-', 'yourpass', 'yourtoken', 'yourkey', 'insert', 'replace', 'dummy', 'sample',
  'redacted', 'fake', 'test', 'mock', 'secret_here', 'token_here', 'key_here', 'password_here', 'notreal',
  'foobar', 'lorem', 'mytoken', 'my_token', 'mysecret', 'mypassword', 'mypass', 'abcdef', '123456', 'qwerty', 'letmein', 'process.env', 'os.environ', 'getenv',
  'env[', 'env.', 'settings.', 'config.', 'params.', 'self.', 'this.', 'args.', 'options.', 'opts.',
];

/** Whole values that are stand-ins (compared lower-case). */
const STAND_IN_VALUES = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'apikey', 'api_key', 'key', 'user', 'username',
  'admin', 'root', 'none', 'null', 'nil', 'undefined', 'true', 'false', 'empty', 'default', 'string',
  'required', 'optional', 'hidden', 'unknown', 'todo', 'tbd', 'value', 'guest', 'anonymous', 'private', 'xyz', 'xyzzy', 'abc', 'pass123', 'password1', 'password123',
]);

export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  const lower = v.toLowerCase();
  if (STAND_IN_VALUES.has(lower.replace(/^["']|["']$/gu, ''))) return true;
  if (TEMPLATE.test(v)) return true;
  // Words as people write them (example, EXAMPLE, Example), not any mix of case: random tokens
  // contain `fAkE` or `TeSt` often enough to matter.
  for (const word of STAND_IN_WORDS) {
    if (v.includes(word) || v.includes(word.toUpperCase()) || v.includes(word[0]!.toUpperCase() + word.slice(1))) return true;
  }
  // One character repeated (`aaaaaaaa`, `00000000`): never a real credential.
  if (/^(.)\1+$/su.test(v)) return true;
  return false;
}
