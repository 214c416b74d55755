/**
 * Verifies an image's signatures with public keys, looking where cosign puts them: the
 * `sha256-<hex>.sig` tag (cosign 1–2) and OCI referrers carrying Sigstore bundles (cosign 3; the
 * registry's referrers API, or the referrers tag schema where the registry lacks it). Returns a verdict
 * per signature; it throws only when the image itself cannot be read.
 */
import { BulkheadError } from '../errors.js';
import { MEDIA_TYPES, parseManifest, type RegistryClient } from '../image/registry/index.js';
import { BUNDLE_ARTIFACT_TYPE_PREFIX, judgeBundle } from './bundle.js';
import type { KeylessPolicy } from './keyless.js';
import { openTarget, type RegistryAccessOptions } from './registry-target.js';
import { decodeSignature, signatureLayers, signatureTag } from './signature-manifest.js';
import { repositoryOf } from './simple-signing.js';
import type { NamedPublicKey, SignatureVerdict, VerifyResult } from './types.js';
import { judgeSimpleSigning, type Expected } from './verify-simple-signing.js';

export interface VerifyOptions extends RegistryAccessOptions {
  /** The repository signatures must name (default: the image's own, `REGISTRY/REPO`). */
  signedRepository?: string;
  /** Verify keyless (certificate) bundles with this identity, issuer and trusted root. */
  keyless?: KeylessPolicy;
  /** Sigstore bundles given as files (`name` shown in verdicts), judged like referrer bundles. */
  bundles?: Array<{ name: string; bytes: Buffer }>;
}

export async function verifyImage(image: string, publicKeys: readonly NamedPublicKey[], options: VerifyOptions = {}): Promise<VerifyResult> {
  if (publicKeys.length === 0 && !options.keyless) throw new BulkheadError('USAGE', 'verifying signatures needs a public key or a certificate identity, OIDC issuer and trusted root');
  const target = await openTarget(image, options);
  const { client, ref, digest } = target;
  try {
    const repository = repositoryOf(`${ref.registry}/${ref.repository}`);
    const expected: Expected = { digest, repository: options.signedRepository ?? repository };
    const warnings: string[] = [];
    const keyless = options.keyless;
    let manifestBytes: Promise<Buffer> | undefined;
    const manifest = () => (manifestBytes ??= client.getManifest(ref.repository, digest, options.signal ? { signal: options.signal } : {}).then((m) => m.bytes));
    const signatures = [
      // Key-signed .sig payloads need a key; with only an identity they are not judged.
      ...(publicKeys.length ? await tagSignatures(client, ref.repository, expected, publicKeys, options.signal) : []),
      ...(await referrerSignatures(client, ref.repository, digest, publicKeys, warnings, { manifest, ...(keyless ? { keyless } : {}) }, options.signal)),
    ];
    for (const file of options.bundles ?? []) {
      signatures.push(await judgeBundle(file.bytes, publicKeys, { location: file.name, digest, manifest, source: 'file', ...(keyless ? { keyless } : {}) }));
    }
    return { reference: target.reference, repository, digest, verified: signatures.some((s) => s.status === 'valid'), signatures, warnings };
  } finally {
    client.close();
  }
}

async function tagSignatures(client: RegistryClient, repository: string, expected: Expected, keys: readonly NamedPublicKey[], signal?: AbortSignal): Promise<SignatureVerdict[]> {
  const tag = signatureTag(expected.digest);
  const where = `${client.registry}/${repository}:${tag}`;
  if (!(await client.headManifest(repository, tag, signal))) return [];
  const fetched = await client.getManifest(repository, tag, { accept: MEDIA_TYPES.ociManifest, ...(signal ? { signal } : {}) });
  let layers;
  try {
    const doc = parseManifest(fetched.bytes, fetched.mediaType, where);
    if (doc.kind !== 'image') throw new BulkheadError('MANIFEST_INVALID', `${where}: an index, not a signature manifest`);
    layers = signatureLayers(doc.layers).signatures;
  } catch (e) {
    return [{ source: 'tag', status: 'malformed', location: where, reason: e instanceof Error ? e.message : String(e) }];
  }
  const verdicts: SignatureVerdict[] = [];
  for (const layer of layers) {
    const location = `${client.registry}/${repository}@${layer.payloadDigest}`;
    try {
      const signature = decodeSignature(layer.signature, `${where} layer ${layer.payloadDigest}`);
      // getBlobBytes checks the payload against its digest: an altered blob never reaches the judge.
      const payload = await client.getBlobBytes(repository, layer.payloadDigest, { maxBytes: 1024 * 1024, what: `signature payload ${location}`, ...(signal ? { signal } : {}) });
      verdicts.push(judgeSimpleSigning({ source: 'tag', location, payload, signature }, keys, expected));
    } catch (e) {
      if (!(e instanceof BulkheadError) || e.code === 'NETWORK_ERROR') throw e;
      verdicts.push({ source: 'tag', status: 'malformed', location, reason: e.message });
    }
  }
  return verdicts;
}

async function referrerSignatures(
  client: RegistryClient, repository: string, digest: string, keys: readonly NamedPublicKey[], warnings: string[],
  shared: { manifest: () => Promise<Buffer>; keyless?: KeylessPolicy }, signal?: AbortSignal,
): Promise<SignatureVerdict[]> {
  let referrers;
  try {
    referrers = await client.referrers(repository, digest, signal ? { signal } : {});
  } catch (e) {
    if (!(e instanceof BulkheadError) || e.code === 'REGISTRY_UNAUTHORIZED' || e.code === 'NETWORK_ERROR') throw e;
    warnings.push(`referrers of ${digest} could not be listed (${e.message}); only the .sig tag was checked`);
    return [];
  }
  const verdicts: SignatureVerdict[] = [];
  for (const d of referrers.filter((r) => r.artifactType?.startsWith(BUNDLE_ARTIFACT_TYPE_PREFIX))) {
    const location = `${client.registry}/${repository}@${d.digest}`;
    try {
      const fetched = await client.getManifest(repository, d.digest, signal ? { signal } : {});
      const doc = parseManifest(fetched.bytes, fetched.mediaType, location);
      const layer = doc.kind === 'image' ? doc.layers.find((l) => l.mediaType.startsWith(BUNDLE_ARTIFACT_TYPE_PREFIX)) : undefined;
      if (!layer) {
        verdicts.push({ source: 'referrer', status: 'malformed', location, reason: `${location}: no Sigstore bundle layer in the referrer` });
        continue;
      }
      const bytes = await client.getBlobBytes(repository, layer.digest, { maxBytes: 16 * 1024 * 1024, what: `bundle ${location}`, ...(signal ? { signal } : {}) });
      verdicts.push(await judgeBundle(bytes, keys, { location, digest, ...shared }));
    } catch (e) {
      if (!(e instanceof BulkheadError) || e.code === 'NETWORK_ERROR') throw e;
      verdicts.push({ source: 'referrer', status: 'malformed', location, reason: e.message });
    }
  }
  return verdicts;
}
