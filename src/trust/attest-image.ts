/**
 * Attests an image the way `cosign attest --key` does without a transparency log: resolves the
 * reference to a digest, signs an in-toto statement about it in a DSSE envelope, and adds the
 * envelope as a layer of the `.att` manifest (creating it, or appending to the attestations there).
 */
import type { KeyObject } from 'node:crypto';
import { BulkheadError } from '../errors.js';
import { digestOf } from '../image/digest.js';
import { MEDIA_TYPES, parseManifest } from '../image/registry/index.js';
import { attestationConfig, attestationLayer, attestationLayers, attestationManifest, attestationTag, type AttestationLayer } from './attestation-manifest.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse.js';
import { buildStatement } from './in-toto-statement.js';
import { openTarget, type RegistryAccessOptions } from './registry-target.js';
import { repositoryOf } from './simple-signing.js';

export interface AttestOptions extends RegistryAccessOptions {
  /** A URI (see predicateTypeFor for cosign's short names). */
  predicateType: string;
  /** Any JSON value: the statement's predicate. */
  predicate: unknown;
}

export interface AttestResult {
  reference: string;
  digest: string;
  repository: string;
  attestationTag: string;
  attestationManifestDigest: string;
  envelopeDigest: string;
  attestationCount: number;
}

export async function attestImage(image: string, privateKey: KeyObject, options: AttestOptions): Promise<AttestResult> {
  if (privateKey.type !== 'private') throw new BulkheadError('USAGE', 'attestImage needs a private key');
  const target = await openTarget(image, options);
  const { client, ref, digest } = target;
  const signal = options.signal;
  try {
    const repository = repositoryOf(`${ref.registry}/${ref.repository}`);
    const statement = buildStatement(repository, digest, options.predicateType, options.predicate);
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), privateKey);
    const envelopeBytes = Buffer.from(JSON.stringify(envelope), 'utf8');

    const tag = attestationTag(digest);
    const where = `${ref.registry}/${ref.repository}:${tag}`;
    const layers: AttestationLayer[] = [];
    if (await client.headManifest(ref.repository, tag, signal)) {
      const fetched = await client.getManifest(ref.repository, tag, { accept: MEDIA_TYPES.ociManifest, ...(signal ? { signal } : {}) });
      const doc = parseManifest(fetched.bytes, fetched.mediaType, where);
      if (doc.kind !== 'image') throw new BulkheadError('MANIFEST_INVALID', `${where}: the attestation tag holds an index, not an attestation manifest`);
      const { attestations, others } = attestationLayers(doc.layers);
      if (others.length) throw new BulkheadError('MANIFEST_INVALID', `${where}: the attestation manifest has ${others.length} layer(s) that are not DSSE envelopes; not appending`);
      layers.push(...attestations);
    }
    const envelopeDigest = await client.uploadBlob(ref.repository, envelopeBytes, signal);
    if (envelopeDigest !== digestOf(envelopeBytes)) throw new BulkheadError('DIGEST_MISMATCH', `${where}: the registry stored the envelope under ${envelopeDigest}`);
    layers.push(attestationLayer({ digest: envelopeDigest, size: envelopeBytes.length }, options.predicateType));
    const config = attestationConfig(layers);
    const configDigest = await client.uploadBlob(ref.repository, config, signal);
    const manifest = attestationManifest(layers, { digest: configDigest, size: config.length });
    const manifestDigest = await client.putManifest(ref.repository, tag, manifest, MEDIA_TYPES.ociManifest, signal);
    return { reference: target.reference, digest, repository, attestationTag: tag, attestationManifestDigest: manifestDigest, envelopeDigest, attestationCount: layers.length };
  } finally {
    client.close();
  }
}
