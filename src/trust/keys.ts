/**
 * Signing keys: ECDSA P-256 pairs written as cosign writes them (`NAME.key` encrypted, `NAME.pub`
 * SPKI PEM), and reading of cosign keys, plain PKCS#8 / SEC1 PEM private keys and SPKI public keys.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { BulkheadError } from '../errors.js';
import { decryptEnvelope, encryptEnvelope, LEGACY_COSIGN_KEY_PEM_TYPE, SIGSTORE_KEY_PEM_TYPE } from './encrypted-key.js';
import { decodePem, encodePem } from './pem.js';

export interface GeneratedKeyPair {
  /** `ENCRYPTED SIGSTORE PRIVATE KEY` PEM, or plain PKCS#8 `PRIVATE KEY` PEM when no passphrase is given. */
  privateKeyPem: string;
  /** SPKI `PUBLIC KEY` PEM. */
  publicKeyPem: string;
}

/** A new ECDSA P-256 pair; the private key is sealed in cosign's format unless `passphrase` is undefined. */
export function generateKeyPair(options: { passphrase?: string } = {}): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const privateKeyPem = options.passphrase === undefined
    ? encodePem('PRIVATE KEY', pkcs8)
    : encodePem(SIGSTORE_KEY_PEM_TYPE, encryptEnvelope(pkcs8, options.passphrase));
  return { privateKeyPem, publicKeyPem };
}

/** Whether a private key file needs a passphrase (so the CLI asks only when it must). */
export function privateKeyNeedsPassphrase(pem: string, what = 'private key'): boolean {
  const { type } = decodePem(pem, what);
  return type === SIGSTORE_KEY_PEM_TYPE || type === LEGACY_COSIGN_KEY_PEM_TYPE || type === 'ENCRYPTED PRIVATE KEY';
}

/**
 * Reads a private key: cosign's encrypted format (both labels), PKCS#8 (plain or encrypted, RFC 5958)
 * or SEC1 `EC PRIVATE KEY`. `what` names the file in errors.
 */
export function loadPrivateKey(pem: string, options: { passphrase?: string; what?: string } = {}): KeyObject {
  const what = options.what ?? 'private key';
  const block = decodePem(pem, what);
  let key: KeyObject;
  try {
    if (block.type === SIGSTORE_KEY_PEM_TYPE || block.type === LEGACY_COSIGN_KEY_PEM_TYPE) {
      if (options.passphrase === undefined) throw new BulkheadError('USAGE', `${what}: the key is encrypted and no passphrase was given`, { input: what });
      const der = decryptEnvelope(block.bytes, options.passphrase, what);
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } else if (block.type === 'PRIVATE KEY' || block.type === 'EC PRIVATE KEY' || block.type === 'RSA PRIVATE KEY') {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } else if (block.type === 'ENCRYPTED PRIVATE KEY') {
      if (options.passphrase === undefined) throw new BulkheadError('USAGE', `${what}: the key is encrypted and no passphrase was given`, { input: what });
      key = createPrivateKey({ key: pem, format: 'pem', passphrase: options.passphrase });
    } else {
      throw new BulkheadError('INPUT_INVALID', `${what}: a ${block.type} block is not a private key`, { input: what });
    }
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    const wrong = /bad decrypt|passphrase/i.test(reason) ? 'wrong passphrase' : reason;
    throw new BulkheadError('INPUT_INVALID', `${what}: cannot read the private key: ${wrong}`, { input: what, cause: e });
  }
  assertSupported(key, what);
  return key;
}

/** Reads an SPKI `PUBLIC KEY` PEM (cosign's `.pub`), or takes the public half of a certificate. */
export function loadPublicKey(pem: string, what = 'public key'): KeyObject {
  const block = decodePem(pem, what);
  if (block.type !== 'PUBLIC KEY' && block.type !== 'CERTIFICATE' && block.type !== 'RSA PUBLIC KEY') {
    throw new BulkheadError('INPUT_INVALID', `${what}: a ${block.type} block is not a public key`, { input: what });
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new BulkheadError('INPUT_INVALID', `${what}: cannot read the public key: ${e instanceof Error ? e.message : String(e)}`, { input: what, cause: e });
  }
  assertSupported(key, what);
  return key;
}

/** The SPKI PEM of a key's public half, for `.pub` files and for naming keys in results. */
export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

function assertSupported(key: KeyObject, what: string): void {
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa' && type !== 'ed25519') {
    throw new BulkheadError('INPUT_INVALID', `${what}: ${type ?? 'unknown'} keys are not supported (ECDSA, RSA, Ed25519)`, { input: what });
  }
}
