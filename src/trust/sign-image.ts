/**
 * Signs an image in a registry the way `cosign sign --key` does without a transparency log: resolves
 * the reference to a digest, signs the simple-signing payload, and adds a layer to the `.sig` manifest
 * (creating it, or appending to the signatures already there).
 */
import type { KeyObject } from 'node:crypto';
import { BulkheadError } from '../errors.js';
import { digestOf } from '../image/digest.js';
import { MEDIA_TYPES, parseManifest } from '../image/registry/index.js';
import { openTarget, type RegistryAccessOptions } from './registry-target.js';
import { signatureConfig, signatureLayers, signatureManifest, signatureTag, type SignatureLayer } from './signature-manifest.js';
import { signBytes } from './signature-algorithm.js';
import { buildSimpleSigningPayload, repositoryOf } from './simple-signing.js';

export interface SignOptions extends RegistryAccessOptions {
  /** Extra claims for the payload's `optional` object (cosign `-a key=value`). */
  annotations?: Record<string, string>;
}

export interface SignResult {
  reference: string;
  /** The digest that was signed. */
  digest: string;
  /** `REGISTRY/REPO`, the payload's docker-reference. */
  dockerReference: string;
  signatureTag: string;
  signatureManifestDigest: string;
  payloadDigest: string;
  /** Signatures in the `.sig` manifest after this one was added. */
  signatureCount: number;
  /** False when the same payload and signature were already stored. */
  added: boolean;
}

export async function signImage(image: string, privateKey: KeyObject, options: SignOptions = {}): Promise<SignResult> {
  if (privateKey.type !== 'private') throw new BulkheadError('USAGE', 'signImage needs a private key');
  const target = await openTarget(image, options);
  const { client, ref, digest } = target;
  const signal = options.signal;
  try {
    const dockerReference = repositoryOf(`${ref.registry}/${ref.repository}`);
    const optional = options.annotations && Object.keys(options.annotations).length ? options.annotations : null;
    const payload = buildSimpleSigningPayload({ dockerReference, manifestDigest: digest }, optional);
    const signature = signBytes(payload, privateKey).toString('base64');

    const tag = signatureTag(digest);
    const layers: SignatureLayer[] = [];
    const existing = await client.headManifest(ref.repository, tag, signal);
    if (existing) {
      const fetched = await client.getManifest(ref.repository, tag, { accept: MEDIA_TYPES.ociManifest, ...(signal ? { signal } : {}) });
      const doc = parseManifest(fetched.bytes, fetched.mediaType, `${ref.registry}/${ref.repository}:${tag}`);
      if (doc.kind !== 'image') throw new BulkheadError('MANIFEST_INVALID', `${ref.registry}/${ref.repository}:${tag}: the signature tag holds an index, not a signature manifest`);
      const { signatures, others } = signatureLayers(doc.layers);
      if (others.length) throw new BulkheadError('MANIFEST_INVALID', `${ref.registry}/${ref.repository}:${tag}: the signature manifest has ${others.length} layer(s) that are not cosign signatures; not appending`);
      layers.push(...signatures);
    }
    const payloadDigest = digestOf(payload);
    const added = !layers.some((l) => l.payloadDigest === payloadDigest && l.signature === signature);
    if (added) {
      await client.uploadBlob(ref.repository, payload, signal);
      layers.push({ payloadDigest, payloadSize: payload.length, signature });
    }
    const config = signatureConfig(layers);
    const configDigest = await client.uploadBlob(ref.repository, config, signal);
    const manifest = signatureManifest(layers, { digest: configDigest, size: config.length });
    const manifestDigest = await client.putManifest(ref.repository, tag, manifest, MEDIA_TYPES.ociManifest, signal);
    return { reference: target.reference, digest, dockerReference, signatureTag: tag, signatureManifestDigest: manifestDigest, payloadDigest, signatureCount: layers.length, added };
  } finally {
    client.close();
  }
}
