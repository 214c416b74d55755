import type { SecretRule } from '../types.js';

/**
 * Assignments of a value to a name that says "password", "secret" or "API key", in any of the
 * common syntaxes (`KEY=value`, `key: value`, `"key": "value"`, `key := "value"`, `key => 'value'`).
 * The name alone proves little, so these rules are medium severity and the value must look like a
 * secret: long enough, random enough (Shannon entropy), not a placeholder, not code (a call, a
 * member access or a template). They run last: a provider rule that matches the same value wins.
 */

/** Key: the keyword possibly inside a longer identifier (`DB_PASSWORD`, `client.secretKey`). */
function assignment(words: string): string {
  return String.raw`(?<![A-Za-z0-9])[A-Za-z0-9_.-]{0,30}(?:${words})[A-Za-z0-9_-]{0,20}["']?[ \t]{0,4}(?:=|:=|=>|:)[ \t]{0,4}(["'\x60]?)([^\s"'\x60;,<>(){}\[\]|\\]{8,128})\1(?![A-Za-z0-9_.(\[-])`;
}

export const GENERIC_RULES: SecretRule[] = [
  {
    id: 'generic-password',
    description: 'Password assigned in a file or setting',
    severity: 'medium',
    keywords: ['password', 'passwd', 'passphrase'],
    regex: assignment('password|passwd|passphrase'),
    flags: 'i',
    secretGroup: 2,
    entropy: 3,
    placeholders: true,
    generic: true,
    quoteGroup: 1,
    before: 60,
    after: 200,
  },
  {
    id: 'generic-secret',
    description: 'Secret assigned in a file or setting',
    severity: 'medium',
    keywords: ['secret'],
    regex: assignment('secret'),
    flags: 'i',
    secretGroup: 2,
    entropy: 3.5,
    placeholders: true,
    generic: true,
    quoteGroup: 1,
    before: 60,
    after: 200,
  },
  {
    id: 'generic-api-key',
    description: 'API key or access token assigned in a file or setting',
    severity: 'medium',
    keywords: ['api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'access_token', 'accesstoken', 'auth_token', 'authtoken', 'private_key'],
    regex: assignment('api_?key|api-key|access_?key|access_?token|(?<!o)auth_?token|private_?key'),
    flags: 'i',
    secretGroup: 2,
    entropy: 3.5,
    placeholders: true,
    generic: true,
    quoteGroup: 1,
    before: 60,
    after: 200,
  },
];
