/**
 * Verifies an image's attestations stored where cosign puts them (the `sha256-<hex>.att` tag): each
 * DSSE envelope must verify with one of the keys (over the PAE), carry an in-toto statement whose
 * subject names this image's digest, and, when asked, the expected predicate type. One verdict per
 * attestation; it throws only when the image itself cannot be read.
 */
import { BulkheadError } from '../errors.js';
import { MEDIA_TYPES, parseManifest } from '../image/registry/index.js';
import { attestationLayers, attestationTag } from './attestation-manifest.js';
import { envelopeSigner, IN_TOTO_PAYLOAD_TYPE, parseEnvelope } from './dsse.js';
import { parseStatement } from './in-toto-statement.js';
import { openTarget, type RegistryAccessOptions } from './registry-target.js';
import { repositoryOf } from './simple-signing.js';
import type { NamedPublicKey } from './types.js';

export type AttestationStatus = 'valid' | 'bad-signature' | 'digest-mismatch' | 'type-mismatch' | 'malformed';

export interface AttestationVerdict {
  status: AttestationStatus;
  reason: string;
  /** The envelope blob. */
  location: string;
  keyName?: string;
  predicateType?: string;
  /** The statement's predicate, for valid attestations (policy and reports read it). */
  predicate?: unknown;
}

export interface AttestationVerifyResult {
  reference: string;
  repository: string;
  digest: string;
  /** True when at least one attestation is valid (and of the expected type, when one was given). */
  verified: boolean;
  attestations: AttestationVerdict[];
}

export interface VerifyAttestationOptions extends RegistryAccessOptions {
  /** Predicate type URI the attestation must have (see predicateTypeFor). */
  predicateType?: string;
}

export async function verifyAttestations(image: string, keys: readonly NamedPublicKey[], options: VerifyAttestationOptions = {}): Promise<AttestationVerifyResult> {
  if (keys.length === 0) throw new BulkheadError('USAGE', 'verifying attestations needs at least one public key');
  const target = await openTarget(image, options);
  const { client, ref, digest } = target;
  const signal = options.signal;
  try {
    const repository = repositoryOf(`${ref.registry}/${ref.repository}`);
    const result: AttestationVerifyResult = { reference: target.reference, repository, digest, verified: false, attestations: [] };
    const tag = attestationTag(digest);
    const where = `${ref.registry}/${ref.repository}:${tag}`;
    if (!(await client.headManifest(ref.repository, tag, signal))) return result;
    const fetched = await client.getManifest(ref.repository, tag, { accept: MEDIA_TYPES.ociManifest, ...(signal ? { signal } : {}) });
    let layers;
    try {
      const doc = parseManifest(fetched.bytes, fetched.mediaType, where);
      if (doc.kind !== 'image') throw new BulkheadError('MANIFEST_INVALID', `${where}: an index, not an attestation manifest`);
      layers = attestationLayers(doc.layers).attestations;
    } catch (e) {
      if (!(e instanceof BulkheadError) || e.code === 'NETWORK_ERROR') throw e;
      result.attestations.push({ status: 'malformed', location: where, reason: e.message });
      return result;
    }
    for (const layer of layers) {
      const location = `${ref.registry}/${ref.repository}@${layer.digest}`;
      try {
        // getBlobBytes checks the blob against its digest: an altered envelope never reaches the judge.
        const bytes = await client.getBlobBytes(ref.repository, layer.digest, { maxBytes: 64 * 1024 * 1024, what: `attestation ${location}`, ...(signal ? { signal } : {}) });
        result.attestations.push(judgeAttestation(bytes, keys, { location, digest, ...(options.predicateType ? { predicateType: options.predicateType } : {}) }));
      } catch (e) {
        if (!(e instanceof BulkheadError) || e.code === 'NETWORK_ERROR') throw e;
        result.attestations.push({ status: 'malformed', location, reason: e.message });
      }
    }
    result.verified = result.attestations.some((a) => a.status === 'valid');
    return result;
  } finally {
    client.close();
  }
}

/** Judges one envelope blob: pure, so it is tested without a registry. */
export function judgeAttestation(bytes: Buffer, keys: readonly NamedPublicKey[], expected: { location: string; digest: string; predicateType?: string }): AttestationVerdict {
  const { location } = expected;
  const envelope = parseEnvelope(bytes);
  if (!envelope) return { status: 'malformed', location, reason: `${location}: not a DSSE envelope` };
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { status: 'malformed', location, reason: `${location}: payload type ${envelope.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}` };
  const key = envelopeSigner(envelope, keys);
  if (!key) return { status: 'bad-signature', location, reason: `DSSE signature does not verify with ${keys.map((k) => k.name).join(', ')}` };
  const parsed = parseStatement(Buffer.from(envelope.payload, 'base64'));
  if ('error' in parsed) return { status: 'malformed', location, keyName: key.name, reason: `${location}: ${parsed.error}` };
  const { statement } = parsed;
  const base = { location, keyName: key.name, predicateType: statement.predicateType };
  const [algorithm, hex] = expected.digest.split(':') as [string, string];
  const named = statement.subject.map((s) => s.digest[algorithm]).filter((d): d is string => typeof d === 'string');
  if (!named.includes(hex)) {
    return { ...base, status: 'digest-mismatch', reason: `subject digest mismatch: attested ${named.map((d) => `${algorithm}:${d}`).join(', ') || 'no subject'}, image is ${expected.digest}` };
  }
  if (expected.predicateType && statement.predicateType !== expected.predicateType) {
    return { ...base, status: 'type-mismatch', reason: `predicate type ${statement.predicateType}, expected ${expected.predicateType}` };
  }
  return { ...base, status: 'valid', predicate: statement.predicate, reason: `${statement.predicateType} attestation signed by ${key.name}` };
}
