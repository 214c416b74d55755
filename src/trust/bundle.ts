/**
 * Sigstore bundles attached as OCI referrers (cosign v3; protobuf-specs `sigstore_bundle.proto`,
 * media type application/vnd.dev.sigstore.bundle.v0.3+json). Key-based bundles are verified here:
 * a DSSE envelope (signature over the DSSE v1 pre-authentication encoding) whose in-toto statement
 * names the image digest as a subject, or a message signature over the image manifest. Keyless
 * bundles (a certificate) are verified offline (keyless.ts) when an identity, issuer and trusted root
 * are given, and only reported otherwise.
 */
import { createHash } from 'node:crypto';
import { parseStatement } from './in-toto-statement.js';
import { verifyKeylessBundle, type KeylessPolicy } from './keyless.js';
import { verifyBytes } from './signature-algorithm.js';
import type { NamedPublicKey, SignatureSource, SignatureVerdict } from './types.js';

export const BUNDLE_ARTIFACT_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';

interface BundleJson {
  mediaType?: string;
  verificationMaterial?: { publicKey?: { hint?: string }; certificate?: unknown; x509CertificateChain?: unknown };
  dsseEnvelope?: { payload?: string; payloadType?: string; signatures?: Array<{ sig?: string; keyid?: string }> };
  messageSignature?: { messageDigest?: { algorithm?: string; digest?: string }; signature?: string };
}

/** DSSE v1 PAE (secure-systems-lab/dsse `protocol.md`). */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface BundleContext {
  location: string;
  digest: string;
  /** The image manifest bytes, for message signatures over the manifest. */
  manifest: () => Promise<Buffer>;
  /** Identity, issuer and trusted root for keyless bundles. */
  keyless?: KeylessPolicy;
  /** Where the bundle came from (default: a referrer). */
  source?: SignatureSource;
}

export async function judgeBundle(bytes: Buffer, keys: readonly NamedPublicKey[], ctx: BundleContext): Promise<SignatureVerdict> {
  const base = { source: ctx.source ?? ('referrer' as const), location: ctx.location };
  let bundle: BundleJson;
  try {
    bundle = JSON.parse(bytes.toString('utf8')) as BundleJson;
  } catch {
    return { ...base, status: 'malformed', reason: `${ctx.location}: the bundle is not JSON` };
  }
  const material = bundle.verificationMaterial;
  if (material?.certificate || material?.x509CertificateChain) {
    if (!ctx.keyless) return { ...base, status: 'keyless-unverified', reason: 'keyless bundle present, not verified without --certificate-identity' };
    return judgeKeyless(bundle, ctx, ctx.keyless);
  }
  if (!material?.publicKey) return { ...base, status: 'malformed', reason: `${ctx.location}: the bundle has no verification material` };
  const names = keys.map((k) => k.name).join(', ');

  if (bundle.dsseEnvelope) {
    const env = bundle.dsseEnvelope;
    if (typeof env.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures)) {
      return { ...base, status: 'malformed', reason: `${ctx.location}: the DSSE envelope needs payload, payloadType and signatures` };
    }
    const payload = Buffer.from(env.payload, 'base64');
    const pae = preAuthEncoding(env.payloadType, payload);
    const key = keys.find((k) => env.signatures!.some((s) => typeof s.sig === 'string' && verifyBytes(pae, Buffer.from(s.sig, 'base64'), k.key)));
    if (!key) return { ...base, status: 'bad-signature', reason: `bundle DSSE signature does not verify with ${names}` };
    let subjects: Array<{ digest?: Record<string, string> }> = [];
    try {
      const statement = JSON.parse(payload.toString('utf8')) as { subject?: typeof subjects };
      subjects = Array.isArray(statement.subject) ? statement.subject : [];
    } catch {
      return { ...base, status: 'malformed', keyName: key.name, reason: `${ctx.location}: the DSSE payload is not an in-toto statement` };
    }
    const [algorithm, hex] = ctx.digest.split(':') as [string, string];
    const named = subjects.map((s) => s.digest?.[algorithm]).filter((d): d is string => typeof d === 'string');
    if (!named.includes(hex)) {
      return { ...base, status: 'digest-mismatch', keyName: key.name, reason: `digest mismatch: signed ${named.map((d) => `${algorithm}:${d}`).join(', ') || 'no subject'}, image is ${ctx.digest}` };
    }
    return { ...base, status: 'valid', keyName: key.name, signedDigest: ctx.digest, reason: `bundle (DSSE ${env.payloadType}) signed by ${key.name}` };
  }

  if (bundle.messageSignature) {
    const ms = bundle.messageSignature;
    if (typeof ms.signature !== 'string' || ms.messageDigest?.algorithm !== 'SHA2_256' || typeof ms.messageDigest.digest !== 'string') {
      return { ...base, status: 'malformed', reason: `${ctx.location}: the message signature needs a SHA2_256 digest and a signature` };
    }
    const signedHex = Buffer.from(ms.messageDigest.digest, 'base64').toString('hex');
    const manifest = await ctx.manifest();
    const imageHex = createHash('sha256').update(manifest).digest('hex');
    const key = keys.find((k) => verifyBytes(manifest, Buffer.from(ms.signature!, 'base64'), k.key));
    if (signedHex !== imageHex) {
      return { ...base, status: 'digest-mismatch', ...(key ? { keyName: key.name } : {}), reason: `digest mismatch: signed sha256:${signedHex}, image is ${ctx.digest}` };
    }
    if (!key) return { ...base, status: 'bad-signature', reason: `bundle message signature does not verify with ${names}` };
    return { ...base, status: 'valid', keyName: key.name, signedDigest: ctx.digest, reason: `bundle (message signature) signed by ${key.name}` };
  }
  return { ...base, status: 'malformed', reason: `${ctx.location}: the bundle has neither a DSSE envelope nor a message signature` };
}

/** A certificate-signed bundle: the Sigstore checks, then (for DSSE) the statement's subject digest. */
async function judgeKeyless(bundle: BundleJson, ctx: BundleContext, policy: KeylessPolicy): Promise<SignatureVerdict> {
  const base = { source: ctx.source ?? ('referrer' as const), location: ctx.location };
  // A message signature signs the image manifest bytes; a DSSE envelope signs its own payload.
  const artifact = bundle.messageSignature ? await ctx.manifest() : undefined;
  const verdict = verifyKeylessBundle(bundle, artifact, policy);
  if (!verdict.ok) {
    const status = /UNTRUSTED_SIGNER|identity|extension/.test(verdict.reason) ? 'identity-mismatch' : 'bad-signature';
    return { ...base, status, reason: verdict.reason };
  }
  if (verdict.dssePayload) {
    const parsed = parseStatement(verdict.dssePayload.payload);
    if ('error' in parsed) return { ...base, status: 'malformed', reason: `${ctx.location}: ${parsed.error}` };
    const [algorithm, hex] = ctx.digest.split(':') as [string, string];
    const named = parsed.statement.subject.map((s) => s.digest[algorithm]).filter((d): d is string => typeof d === 'string');
    if (!named.includes(hex)) return { ...base, status: 'digest-mismatch', reason: `digest mismatch: signed ${named.map((d) => `${algorithm}:${d}`).join(', ') || 'no subject'}, image is ${ctx.digest}` };
  }
  return { ...base, status: 'valid', keyName: verdict.subject ?? policy.identity ?? '', signedDigest: ctx.digest, reason: verdict.reason };
}
