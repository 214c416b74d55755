/**
 * Credentials in the formats their providers document, generated fresh for each fixture build (none is
 * committed, none is valid anywhere). Each sample says which kind of secret it is, so tests can check
 * that a scanner found every seeded one.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE62 = DIGITS + UPPER + LOWER;

export function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function base62(n: number, width: number): string {
  let out = '';
  let v = n >>> 0;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/** GitHub/npm style token: prefix, 30 random base62 characters, CRC-32 of those as 6 base62 digits. */
function checksummedToken(prefix: string): string {
  const body = randomFrom(BASE62, 30);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}

export interface SecretSample {
  /** What it is, for messages: `aws-access-key`, `github-pat`, ... */
  kind: string;
  /** The secret itself (tests compare against it only to check it never appears in output). */
  value: string;
}

export function awsKeyPair(): { id: SecretSample; secret: SecretSample } {
  return {
    id: { kind: 'aws-access-key-id', value: 'AKIA' + randomFrom(UPPER + '234567', 16) },
    secret: { kind: 'aws-secret-access-key', value: randomFrom(BASE62 + '+/', 40) },
  };
}

export const samples = {
  github: (): SecretSample => ({ kind: 'github-token', value: checksummedToken('ghp_') }),
  gitlab: (): SecretSample => ({ kind: 'gitlab-token', value: 'glpat-' + randomFrom(BASE62 + '_-', 20) }),
  npm: (): SecretSample => ({ kind: 'npm-token', value: checksummedToken('npm_') }),
  pypi: (): SecretSample => ({ kind: 'pypi-token', value: 'pypi-AgEIcHlwaS5vcmc' + randomBytes(48).toString('base64url') }),
  slack: (): SecretSample => ({ kind: 'slack-token', value: `xoxb-${randomFrom(DIGITS, 12)}-${randomFrom(DIGITS, 13)}-${randomFrom(BASE62, 24)}` }),
  stripe: (): SecretSample => ({ kind: 'stripe-secret-key', value: 'sk_live_' + randomFrom(BASE62, 24) }),
  sendgrid: (): SecretSample => ({ kind: 'sendgrid-key', value: `SG.${randomFrom(BASE62 + '_-', 22)}.${randomFrom(BASE62 + '_-', 43)}` }),
  twilio: (): SecretSample => ({ kind: 'twilio-key', value: 'SK' + randomFrom('0123456789abcdef', 32) }),
  dockerHub: (): SecretSample => ({ kind: 'dockerhub-pat', value: 'dckr_pat_' + randomFrom(BASE62 + '_-', 27) }),
  dbPassword: (): SecretSample => ({ kind: 'password-in-url', value: randomFrom(BASE62, 12) + '!' + randomFrom(BASE62, 6) }),
};
