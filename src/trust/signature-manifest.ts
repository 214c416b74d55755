/**
 * cosign's signature storage in a registry (cosign `specs/SIGNATURE_SPEC.md`): an OCI image manifest
 * tagged `<alg>-<hex>.sig` after the signed digest, one layer per signature. Each layer is the payload
 * blob (media type `application/vnd.dev.cosign.simplesigning.v1+json`) and carries the base64 DER
 * signature in the annotation `dev.cosignproject.cosign/signature`. The config lists the layers as
 * diff_ids, as cosign and containers/image write it.
 */
import { BulkheadError } from '../errors.js';
import { splitDigest } from '../image/digest.js';
import { MEDIA_TYPES, type Descriptor } from '../image/registry/index.js';
import { SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.js';

export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';

/** `sha256:abc…` → `sha256-abc….sig`. */
export function signatureTag(digest: string): string {
  const { algorithm, hex } = splitDigest(digest, digest);
  return `${algorithm}-${hex}.sig`;
}

export interface SignatureLayer {
  payloadDigest: string;
  payloadSize: number;
  /** Base64 of the DER signature, as stored in the annotation. */
  signature: string;
  /** Other annotations of the layer (certificates, bundles) kept when appending. */
  annotations?: Record<string, string>;
}

/** The config blob for a set of layers. */
export function signatureConfig(layers: readonly SignatureLayer[]): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.payloadDigest) },
    config: {},
  }), 'utf8');
}

export function signatureManifest(layers: readonly SignatureLayer[], config: { digest: string; size: number }): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: CONFIG_MEDIA_TYPE, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      size: l.payloadSize,
      digest: l.payloadDigest,
      annotations: { ...l.annotations, [SIGNATURE_ANNOTATION]: l.signature },
    })),
  }), 'utf8');
}

/** The signature layers of an existing `.sig` manifest; other layers are left to the caller to skip. */
export function signatureLayers(layers: readonly Descriptor[]): { signatures: SignatureLayer[]; others: Descriptor[] } {
  const signatures: SignatureLayer[] = [];
  const others: Descriptor[] = [];
  for (const layer of layers) {
    const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE || typeof signature !== 'string') {
      others.push(layer);
      continue;
    }
    const { [SIGNATURE_ANNOTATION]: _s, ...rest } = layer.annotations ?? {};
    signatures.push({ payloadDigest: layer.digest, payloadSize: layer.size, signature, ...(Object.keys(rest).length ? { annotations: rest } : {}) });
  }
  return { signatures, others };
}

export function decodeSignature(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text.trim())) throw new BulkheadError('SIGNATURE_INVALID', `${what}: the signature annotation is not base64`, { input: what });
  return Buffer.from(text.trim(), 'base64');
}
