/**
 * The payload cosign signs for an image: the "simple signing" JSON of containers/image
 * (`docs/containers-signature.5.md`) with type "cosign container image signature". Signing is always
 * of a manifest digest; the docker-reference names the repository (cosign writes it without tag).
 */
import { BulkheadError } from '../errors.js';
import { DOCKER_HUB } from '../image/reference.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

export interface SimpleSigningClaims {
  dockerReference: string;
  manifestDigest: string;
}

/** The payload bytes, fields in the order cosign's Go structs write them. */
export function buildSimpleSigningPayload(claims: SimpleSigningClaims, optional: Record<string, unknown> | null = null): Buffer {
  const doc = {
    critical: {
      identity: { 'docker-reference': claims.dockerReference },
      image: { 'docker-manifest-digest': claims.manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional,
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** Reads the critical claims; anything missing or of the wrong type is a malformed signature. */
export function parseSimpleSigningPayload(bytes: Buffer, what: string): SimpleSigningClaims {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformed(what, 'the signed payload is not JSON');
  }
  const critical = (doc as { critical?: unknown } | null)?.critical as Record<string, unknown> | undefined;
  if (!critical || typeof critical !== 'object') throw malformed(what, 'the signed payload has no "critical" object');
  if (critical['type'] !== COSIGN_SIGNATURE_TYPE) throw malformed(what, `the signed payload's type is ${JSON.stringify(critical['type'])}, not "${COSIGN_SIGNATURE_TYPE}"`);
  const identity = critical['identity'] as Record<string, unknown> | undefined;
  const image = critical['image'] as Record<string, unknown> | undefined;
  const dockerReference = identity?.['docker-reference'];
  const manifestDigest = image?.['docker-manifest-digest'];
  if (typeof manifestDigest !== 'string') throw malformed(what, 'the signed payload has no critical.image.docker-manifest-digest');
  if (typeof dockerReference !== 'string') throw malformed(what, 'the signed payload has no critical.identity.docker-reference');
  return { dockerReference, manifestDigest };
}

/**
 * The repository a docker-reference names, normalised for comparison ("matchRepository" in
 * containers-policy.json(5)): tag and digest dropped, Docker Hub's aliases and `library/` made explicit.
 */
export function repositoryOf(dockerReference: string): string {
  let ref = dockerReference.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  const first = parts[0]!;
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let host = hasHost ? first.toLowerCase() : DOCKER_HUB;
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = DOCKER_HUB;
  let path = (hasHost ? parts.slice(1) : parts).join('/');
  if (host === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  return `${host}/${path}`;
}

function malformed(what: string, reason: string): BulkheadError {
  return new BulkheadError('SIGNATURE_INVALID', `${what}: ${reason}`, { input: what });
}
