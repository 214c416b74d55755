/**
 * Keyless (Fulcio certificate) Sigstore bundle verification, offline: the bundle (protobuf-specs
 * `sigstore_bundle.proto`, v0.1–v0.3) is checked against a caller-supplied trusted root
 * (`sigstore_trustroot.proto` trusted_root.json) with @sigstore/verify: the certificate chains to a
 * CA of the root, its SCT and the transparency-log entry and timestamps verify, the signature covers
 * the artifact, and the certificate's identity (SAN) and OIDC issuer extension equal the policy.
 * "A signature exists" is never accepted: identity and issuer are both required.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type TrustMaterial } from '@sigstore/verify';
import { BulkheadError } from '../errors.js';

export interface KeylessPolicy {
  /** The certificate's subject alternative name (an e-mail or a workflow URI), compared exactly... */
  identity?: string;
  /** ...or matched by this regular expression (a policy's `subjectRegExp`). One of the two is required. */
  identityRegExp?: string;
  /** The OIDC issuer recorded in the certificate (Fulcio extension 1.3.6.1.4.1.57264.1.1 / .8). */
  issuer: string;
  trustMaterial: TrustMaterial;
}

export interface KeylessVerdict {
  ok: boolean;
  /** One line: what matched, or which check failed. */
  reason: string;
  /** The certificate identity that signed, when the checks passed. */
  subject?: string;
  /** The DSSE payload when the bundle holds an envelope (the caller checks its subject). */
  dssePayload?: { payloadType: string; payload: Buffer };
}

/** Parses trusted_root.json text (Sigstore TUF target) into trust material; `what` names the file. */
export function loadTrustMaterial(json: string, what: string): TrustMaterial {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new BulkheadError('USAGE', `${what}: the trusted root is not JSON`, { input: what });
  }
  const mediaType = (parsed as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new BulkheadError('USAGE', `${what}: not a Sigstore trusted root (mediaType ${JSON.stringify(mediaType)})`, { input: what });
  }
  try {
    return toTrustMaterial(TrustedRoot.fromJSON(parsed));
  } catch (e) {
    throw new BulkheadError('USAGE', `${what}: the trusted root cannot be read (${e instanceof Error ? e.message : String(e)})`, { input: what, cause: e });
  }
}

/**
 * Verifies one bundle. `artifact` is the signed bytes for a message signature (for an image: its
 * manifest); for a DSSE envelope it may be omitted, the signature then covers the envelope's PAE.
 */
export function verifyKeylessBundle(bundleJson: unknown, artifact: Buffer | undefined, policy: KeylessPolicy): KeylessVerdict {
  if ((!policy.identity && !policy.identityRegExp) || !policy.issuer) {
    throw new BulkheadError('USAGE', 'keyless verification needs both a certificate identity and an OIDC issuer');
  }
  let bundle;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (e) {
    return { ok: false, reason: `malformed bundle: ${e instanceof Error ? e.message : String(e)}` };
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'publicKey') return { ok: false, reason: 'the bundle is signed with a key, not a certificate' };
  try {
    const entity = toSignedEntity(bundle, artifact);
    const signer = new Verifier(policy.trustMaterial).verify(entity, {
      ...(policy.identity ? { subjectAlternativeName: policy.identity } : {}),
      extensions: { issuer: policy.issuer },
    });
    const subject = signer.identity?.subjectAlternativeName ?? policy.identity ?? '';
    // a pattern is checked here, after every Sigstore check passed for the issuer
    if (policy.identityRegExp && !new RegExp(policy.identityRegExp, 'u').test(subject)) {
      return { ok: false, reason: `keyless verification failed: identity ${subject} does not match ${policy.identityRegExp}` };
    }
    const verdict: KeylessVerdict = {
      ok: true,
      subject,
      reason: `keyless signature by ${subject} (issuer ${signer.identity?.extensions?.issuer ?? policy.issuer})`,
    };
    if (bundle.content.$case === 'dsseEnvelope') {
      const env = bundle.content.dsseEnvelope;
      verdict.dssePayload = { payloadType: env.payloadType, payload: Buffer.from(env.payload) };
    }
    return verdict;
  } catch (e) {
    // @sigstore/verify errors carry a code (e.g. UNTRUSTED_SIGNER_ERROR) and say which check failed.
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `keyless verification failed: ${typeof code === 'string' ? `${code}: ` : ''}${message}` };
  }
}
