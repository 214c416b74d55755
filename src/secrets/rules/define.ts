import type { SecretRule, SecretSeverity } from '../types.js';

/** Not a token character on either side: a token is not part of a longer word. */
const LEFT = '(?<![A-Za-z0-9_])';
const RIGHT = '(?![A-Za-z0-9_])';

/**
 * A token with a fixed, documented prefix: the prefix is the keyword, the body its alphabet and
 * length. Placeholder values (`ghp_xxxx...`) are dropped and the token must look random (entropy).
 */
export function prefixed(
  id: string,
  description: string,
  severity: SecretSeverity,
  keywords: string[],
  pattern: string,
  extra: Partial<SecretRule> = {},
): SecretRule {
  return {
    id,
    description,
    severity,
    keywords,
    regex: `${LEFT}(${pattern})${RIGHT}`,
    secretGroup: 1,
    entropy: 3,
    placeholders: true,
    ...extra,
  };
}

/**
 * A value without a distinctive prefix, recognised by the name it is assigned to
 * (`TWILIO_AUTH_TOKEN=...`, `"datadog_api_key": "..."`): `name` is a regex over the assignment's key.
 */
export function named(
  id: string,
  description: string,
  severity: SecretSeverity,
  keywords: string[],
  name: string,
  value: string,
  extra: Partial<SecretRule> = {},
): SecretRule {
  return {
    id,
    description,
    severity,
    keywords,
    regex: `${name}[A-Za-z0-9_.-]{0,20}["']?\\s{0,4}(?:=|:|:=|=>|\\s)\\s{0,4}["'\`]?(${value})${RIGHT}`,
    flags: 'i',
    secretGroup: 1,
    entropy: 3,
    placeholders: true,
    ...extra,
  };
}
