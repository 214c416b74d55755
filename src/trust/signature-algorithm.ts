/**
 * Signing and verifying bytes the way cosign does: ECDSA with the curve's hash (P-256 → SHA-256)
 * and an ASN.1 DER signature, RSA PKCS#1 v1.5 with SHA-256, Ed25519 over the message.
 */
import { sign, verify, type KeyObject } from 'node:crypto';

function hashFor(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return 'sha384';
    if (curve === 'secp521r1') return 'sha512';
  }
  return 'sha256';
}

export function signBytes(data: Buffer, privateKey: KeyObject): Buffer {
  return sign(hashFor(privateKey), data, { key: privateKey, dsaEncoding: 'der' });
}

/** False for a signature that does not verify or cannot be parsed (never throws on hostile input). */
export function verifyBytes(data: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return verify(hashFor(publicKey), data, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
