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
