/** Results of signature verification: plain data, so the policy engine can judge them without I/O. */

/**
 * Where a signature was found: cosign's `sha256-<hex>.sig` tag, an OCI referrer (a Sigstore bundle),
 * or a bundle file given by the caller.
 */
export type SignatureSource = 'tag' | 'referrer' | 'file';

export type SignatureStatus =
  /** The signature verifies with one of the keys and its claims match the image. */
  | 'valid'
  /** The signature does not verify with any key given. */
  | 'bad-signature'
  /** The signed payload names another image digest. */
  | 'digest-mismatch'
  /** The signed payload names another repository. */
  | 'identity-mismatch'
  /** The stored signature is malformed (payload, annotation, bundle). */
  | 'malformed'
  /** A keyless Sigstore bundle: certificate checks are needed, which key verification does not do. */
  | 'keyless-unverified';

export interface SignatureVerdict {
  source: SignatureSource;
  status: SignatureStatus;
  /** One line saying what failed or what matched. */
  reason: string;
  /** The blob or manifest holding the signature (payload blob for tags, referrer manifest for bundles). */
  location: string;
  /** The public key that verified it, as given by the caller (its file name or label). */
  keyName?: string;
  /** Claims read from the signed payload, when it could be read. */
  signedDigest?: string;
  signedReference?: string;
}

export interface VerifyResult {
  /** The image as given, and the digest it resolved to (what was checked). */
  reference: string;
  repository: string;
  digest: string;
  /** True when at least one signature is valid. */
  verified: boolean;
  signatures: SignatureVerdict[];
  /** Non-fatal notes: no referrers API, unreadable attachments skipped. */
  warnings: string[];
}

export interface NamedPublicKey {
  /** Shown in verdicts and messages (usually the file name). */
  name: string;
  key: import('node:crypto').KeyObject;
}
