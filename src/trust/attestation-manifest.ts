/**
 * cosign's attestation storage (cosign `pkg/oci/static` with layer media type `types.DssePayloadType`,
 * `cmd/cosign/cli/attest`): an OCI image manifest tagged `<alg>-<hex>.att` after the attested digest,
 * one layer per attestation. Each layer is a DSSE envelope blob (`application/vnd.dsse.envelope.v1+json`);
 * the signature lives inside the envelope, so the cosign signature annotation is present but empty,
 * and cosign records the predicate type in a `predicateType` annotation.
 */
import { splitDigest } from '../image/digest.js';
import { MEDIA_TYPES, type Descriptor } from '../image/registry/index.js';
import { DSSE_ENVELOPE_MEDIA_TYPE } from './dsse.js';
import { SIGNATURE_ANNOTATION, signatureConfig } from './signature-manifest.js';

export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
const CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';

/** `sha256:abc…` → `sha256-abc….att`. */
export function attestationTag(digest: string): string {
  const { algorithm, hex } = splitDigest(digest, digest);
  return `${algorithm}-${hex}.att`;
}

export interface AttestationLayer {
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

export function attestationLayer(envelope: { digest: string; size: number }, predicateType: string): AttestationLayer {
  return { digest: envelope.digest, size: envelope.size, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType } };
}

/** The config blob: the layers as diff_ids, as for `.sig` manifests. */
export function attestationConfig(layers: readonly AttestationLayer[]): Buffer {
  return signatureConfig(layers.map((l) => ({ payloadDigest: l.digest, payloadSize: l.size, signature: '' })));
}

export function attestationManifest(layers: readonly AttestationLayer[], config: { digest: string; size: number }): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: CONFIG_MEDIA_TYPE, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: DSSE_ENVELOPE_MEDIA_TYPE, size: l.size, digest: l.digest, annotations: l.annotations })),
  }), 'utf8');
}

/** The DSSE layers of an existing `.att` manifest, and the others (which the caller refuses or skips). */
export function attestationLayers(layers: readonly Descriptor[]): { attestations: AttestationLayer[]; others: Descriptor[] } {
  const attestations: AttestationLayer[] = [];
  const others: Descriptor[] = [];
  for (const layer of layers) {
    if (layer.mediaType === DSSE_ENVELOPE_MEDIA_TYPE) attestations.push({ digest: layer.digest, size: layer.size, annotations: { ...layer.annotations } });
    else others.push(layer);
  }
  return { attestations, others };
}
