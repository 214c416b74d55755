import type { SecretValidator } from './types.js';

/**
 * Checks that a candidate is what its rule says, beyond the regular expression: a JWT whose header
 * is JSON naming an algorithm, a base64 `user:password` pair, a PEM body that is real base64 of a
 * key's length rather than `MIIE...` in documentation.
 */
export function validateSecret(validator: SecretValidator, secret: string): boolean {
  switch (validator) {
    case 'jwt':
      return validJwt(secret);
    case 'base64-auth':
      return validBasicAuth(secret);
    case 'pem-body':
      return validPemBody(secret);
  }
}

/** RFC 7515 section 4.1.1: the JOSE header is a JSON object with "alg". */
function validJwt(token: string): boolean {
  const [header, payload] = token.split('.');
  try {
    const h = JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as unknown;
    const p = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as unknown;
    return typeof h === 'object' && h !== null && typeof (h as { alg?: unknown }).alg === 'string' && typeof p === 'object' && p !== null;
  } catch {
    return false;
  }
}

/** RFC 7617: base64 of `user-id:password`, printable, with a password. */
function validBasicAuth(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0 || colon === decoded.length - 1) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x1f\x7f-\xff]/u.test(decoded);
}

/** A key body: at least 64 base64 characters (after headers and escapes), varied like real data. */
function validPemBody(body: string): boolean {
  const text = body.replace(/\\[rn]/gu, '\n');
  const base64 = text
    .split('\n')
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/[\s]/gu, '');
  if (base64.length < 64 || /[^A-Za-z0-9+/=]/u.test(base64)) return false;
  return new Set(base64).size >= 24;
}
