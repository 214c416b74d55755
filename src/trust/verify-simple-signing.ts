/** Judges one cosign simple-signing signature: the signature against the keys, then its claims. */
import { repositoryOf, parseSimpleSigningPayload } from './simple-signing.js';
import { verifyBytes } from './signature-algorithm.js';
import type { NamedPublicKey, SignatureSource, SignatureVerdict } from './types.js';
import { BulkheadError } from '../errors.js';

export interface SimpleSigningInput {
  source: SignatureSource;
  location: string;
  payload: Buffer;
  signature: Buffer;
}

export interface Expected {
  digest: string;
  /** `REGISTRY/REPO` the signature must name ("matchRepository"). */
  repository: string;
}

export function judgeSimpleSigning(input: SimpleSigningInput, keys: readonly NamedPublicKey[], expected: Expected): SignatureVerdict {
  const base = { source: input.source, location: input.location };
  // cosign checks the signature before it reads the payload: unsigned claims are not worth reporting.
  const key = keys.find((k) => verifyBytes(input.payload, input.signature, k.key));
  if (!key) {
    const names = keys.map((k) => k.name).join(', ');
    return { ...base, status: 'bad-signature', reason: `signature does not verify with ${names}` };
  }
  let claims;
  try {
    claims = parseSimpleSigningPayload(input.payload, input.location);
  } catch (e) {
    return { ...base, status: 'malformed', keyName: key.name, reason: e instanceof BulkheadError ? e.message : String(e) };
  }
  const signed = { keyName: key.name, signedDigest: claims.manifestDigest, signedReference: claims.dockerReference };
  if (claims.manifestDigest !== expected.digest) {
    return { ...base, ...signed, status: 'digest-mismatch', reason: `digest mismatch: signed ${claims.manifestDigest}, image is ${expected.digest}` };
  }
  const signedRepository = repositoryOf(claims.dockerReference);
  const wanted = repositoryOf(expected.repository);
  if (signedRepository !== wanted) {
    return { ...base, ...signed, status: 'identity-mismatch', reason: `repository mismatch: signed for ${claims.dockerReference}, image is in ${wanted}` };
  }
  return { ...base, ...signed, status: 'valid', reason: `signed by ${key.name} for ${claims.dockerReference}@${claims.manifestDigest}` };
}
