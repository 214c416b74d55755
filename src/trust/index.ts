/** Keys, cosign-compatible image signatures and Sigstore bundles: the trust capability's public API. */
export { generateKeyPair, loadPrivateKey, loadPublicKey, privateKeyNeedsPassphrase, publicKeyPem, type GeneratedKeyPair } from './keys.js';
export { signImage, type SignOptions, type SignResult } from './sign-image.js';
export { verifyImage, type VerifyOptions } from './verify-image.js';
export { judgeSimpleSigning, type Expected, type SimpleSigningInput } from './verify-simple-signing.js';
export { buildSimpleSigningPayload, parseSimpleSigningPayload, repositoryOf, SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.js';
export { signatureTag, SIGNATURE_ANNOTATION } from './signature-manifest.js';
export { signBytes, verifyBytes } from './signature-algorithm.js';
export type { RegistryAccessOptions } from './registry-target.js';
export type { NamedPublicKey, SignatureSource, SignatureStatus, SignatureVerdict, VerifyResult } from './types.js';
export { attestImage, type AttestOptions, type AttestResult } from './attest-image.js';
export { judgeAttestation, verifyAttestations, type AttestationStatus, type AttestationVerdict, type AttestationVerifyResult, type VerifyAttestationOptions } from './verify-attestation.js';
export { attestationTag, PREDICATE_TYPE_ANNOTATION } from './attestation-manifest.js';
export { buildStatement, predicateTypeFor, STATEMENT_TYPE_V1, type Statement } from './in-toto-statement.js';
export { DSSE_ENVELOPE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, signEnvelope, type DsseEnvelope } from './dsse.js';
export { loadTrustMaterial, verifyKeylessBundle, type KeylessPolicy, type KeylessVerdict } from './keyless.js';
