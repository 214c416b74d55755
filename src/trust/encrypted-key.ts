/**
 * cosign's password-protected private key: a PEM block `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign 2+,
 * `ENCRYPTED COSIGN PRIVATE KEY` before) whose body is the JSON envelope of go-securesystemslib's
 * `encrypted` package: scrypt derives a 32-byte key from the passphrase and a 32-byte salt, NaCl
 * secretbox (XSalsa20-Poly1305, 24-byte nonce) seals the PKCS#8 DER of the key. []byte fields are
 * standard base64 (Go encoding/json).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import nacl from 'tweetnacl';
import { BulkheadError } from '../errors.js';

export const SIGSTORE_KEY_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const LEGACY_COSIGN_KEY_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';

/**
 * The scrypt parameter sets go-securesystemslib accepts on decryption (legacy, standard, OWASP);
 * anything else is refused there, so it is refused here too (it also bounds the work an input can ask for).
 */
const ACCEPTED_PARAMS = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
] as const;
/** cosign encrypts with the "standard" set. */
const DEFAULT_PARAMS = ACCEPTED_PARAMS[1];
const SALT_BYTES = 32;

interface Envelope {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Uint8Array {
  // Node's default scrypt memory cap (32 MiB) is below 128·N·r for N = 2^16.
  return scryptSync(Buffer.from(passphrase, 'utf8'), salt, nacl.secretbox.keyLength, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 });
}

/** Seals `plaintext` (a PKCS#8 DER) under `passphrase`; returns the JSON envelope bytes. */
export function encryptEnvelope(plaintext: Buffer, passphrase: string): Buffer {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = deriveKey(passphrase, salt, DEFAULT_PARAMS);
  const sealed = nacl.secretbox(new Uint8Array(plaintext), new Uint8Array(nonce), key);
  // Field order as Go's json.Marshal writes the struct, so files look like cosign's.
  const envelope: Envelope = {
    kdf: { name: 'scrypt', params: { ...DEFAULT_PARAMS }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/** Opens an envelope; a wrong passphrase and a damaged file both fail the Poly1305 check. */
export function decryptEnvelope(bytes: Buffer, passphrase: string, what: string): Buffer {
  const envelope = parseEnvelope(bytes, what);
  const key = deriveKey(passphrase, Buffer.from(envelope.kdf.salt, 'base64'), envelope.kdf.params);
  const nonce = Buffer.from(envelope.cipher.nonce, 'base64');
  if (nonce.length !== nacl.secretbox.nonceLength) throw invalid(what, `the nonce is ${nonce.length} bytes, not ${nacl.secretbox.nonceLength}`);
  const opened = nacl.secretbox.open(new Uint8Array(Buffer.from(envelope.ciphertext, 'base64')), new Uint8Array(nonce), key);
  if (!opened) {
    throw new BulkheadError('INPUT_INVALID', `${what}: cannot decrypt the private key: wrong passphrase (or the file is damaged)`, { input: what });
  }
  return Buffer.from(opened);
}

function parseEnvelope(bytes: Buffer, what: string): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(what, 'the encrypted key body is not JSON');
  }
  const e = doc as Partial<Envelope> | null;
  if (!e || typeof e !== 'object' || !e.kdf || !e.cipher || typeof e.ciphertext !== 'string') throw invalid(what, 'the encrypted key needs kdf, cipher and ciphertext');
  if (e.kdf.name !== 'scrypt') throw invalid(what, `unsupported key derivation "${String(e.kdf.name)}" (only scrypt)`);
  if (e.cipher.name !== 'nacl/secretbox') throw invalid(what, `unsupported cipher "${String(e.cipher.name)}" (only nacl/secretbox)`);
  if (typeof e.kdf.salt !== 'string' || typeof e.cipher.nonce !== 'string') throw invalid(what, 'salt and nonce must be base64 strings');
  const params = e.kdf.params;
  if (!params || !ACCEPTED_PARAMS.some((a) => a.N === params.N && a.r === params.r && a.p === params.p)) {
    throw invalid(what, `unsupported scrypt parameters ${JSON.stringify(params)}`);
  }
  return e as Envelope;
}

function invalid(what: string, reason: string): BulkheadError {
  return new BulkheadError('INPUT_INVALID', `${what}: ${reason}`, { input: what });
}
