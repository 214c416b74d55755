import type { SecretRule } from '../types.js';

/**
 * Private keys. PEM (RFC 7468 section 2) frames base64 between `-----BEGIN <label>-----` and
 * `-----END <label>-----`; the body may carry RFC 1421 headers (`Proc-Type`, `DEK-Info`) for
 * OpenSSL's encrypted PKCS#1 keys, and keys embedded in JSON or source code have `\n` escapes
 * instead of line breaks. The secret reported is the body (its first characters are redacted).
 */

/** Base64, whitespace, `\n` escapes and the header characters RFC 1421 and OpenPGP armour use. */
const BODY = String.raw`[A-Za-z0-9+/=\s:,.()\\-]`;

function pem(id: string, description: string, label: string, keyword: string): SecretRule {
  return {
    id,
    description,
    severity: 'critical',
    keywords: [keyword],
    regex: String.raw`-----BEGIN ${label}-----(?:\\[rn]|\s)*([A-Za-z0-9+/]${BODY}{63,16000}?)-----END ${label}-----`,
    secretGroup: 1,
    before: 40,
    after: 16500,
    validate: 'pem-body',
  };
}

export const KEY_RULES: SecretRule[] = [
  pem('private-key-rsa', 'RSA private key (PKCS#1 PEM)', 'RSA PRIVATE KEY', 'rsa private key-----'),
  pem('private-key-ec', 'EC private key (SEC 1 PEM)', 'EC PRIVATE KEY', 'ec private key-----'),
  pem('private-key-dsa', 'DSA private key (PEM)', 'DSA PRIVATE KEY', 'dsa private key-----'),
  pem('private-key-pkcs8', 'Private key (PKCS#8 PEM)', 'PRIVATE KEY', 'begin private key-----'),
  pem('private-key-encrypted', 'Encrypted private key (PKCS#8 PEM; the passphrase may be weak)', 'ENCRYPTED PRIVATE KEY', 'encrypted private key-----'),
  pem('private-key-openssh', 'OpenSSH private key', 'OPENSSH PRIVATE KEY', 'openssh private key-----'),
  // RFC 4880 section 6.2: ASCII armour of a transferable secret key.
  pem('pgp-private-key-block', 'PGP private key block', 'PGP PRIVATE KEY BLOCK', 'pgp private key block-----'),
  // PuTTY's .ppk format: the private part follows a `Private-Lines: N` header.
  {
    id: 'private-key-putty',
    description: 'PuTTY private key (.ppk)',
    severity: 'critical',
    keywords: ['putty-user-key-file-'],
    regex: String.raw`PuTTY-User-Key-File-[23]: [^\r\n]+\r?\n[\s\S]{0,4000}?Private-Lines: \d+\r?\n((?:[A-Za-z0-9+/=]{1,128}\r?\n){1,100})`,
    secretGroup: 1,
    after: 12000,
    validate: 'pem-body',
  },
  // https://age-encryption.org/v1: Bech32 with the HRP AGE-SECRET-KEY-.
  {
    id: 'age-secret-key',
    description: 'age secret key',
    severity: 'critical',
    keywords: ['age-secret-key-1'],
    regex: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
    entropy: 3,
    placeholders: true,
  },
  // Kubernetes kubeconfig: client-key-data is a base64 PEM private key ("LS0tLS1CRUdJTi" is
  // base64 of "-----BEGIN").
  {
    id: 'kubeconfig-client-key',
    description: 'Kubernetes kubeconfig client private key',
    severity: 'critical',
    keywords: ['client-key-data'],
    regex: String.raw`client-key-data["']?\s*:\s*["']?(LS0tLS1CRUdJTi[A-Za-z0-9+/=]{100,})`,
    secretGroup: 1,
    after: 16000,
  },
  // RFC 7519: a JWT is base64url(header).base64url(payload).signature; headers start `{"` (eyJ).
  {
    id: 'jwt',
    description: 'JSON Web Token',
    severity: 'high',
    keywords: ['eyj'],
    regex: String.raw`(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])`,
    secretGroup: 1,
    before: 4,
    after: 8192,
    validate: 'jwt',
  },
];
