import { BulkheadError } from '../../errors.js';
import { silentReporter } from '../../progress.js';
import { DigestVerifier } from '../digest.js';
import { tarEntries } from '../layer-tar.js';
import { DEFAULT_PLATFORM, type OpenOptions } from '../options.js';
import { formatRegistryReference, type RegistryReference } from '../reference.js';
import type { ImageConfig, ImageSource, LayerEntry, LayerRef, RawLayer } from '../types.js';
import { RegistryClient } from './client.js';
import { resolveCredentials } from './credentials.js';
import { alignLayers, parseConfig } from './layers.js';
import { parseManifest, selectPlatform, type ManifestDocument } from './manifest.js';

export { RegistryClient, registryBaseUrl, type FetchedManifest, type RegistryClientOptions } from './client.js';
export { parseWwwAuthenticate, type Challenge } from './auth.js';
export { parseDockerConfig, resolveCredentials, type Credentials, type DockerConfig } from './credentials.js';
export { MEDIA_TYPES, parseManifest, selectPlatform, type Descriptor, type ManifestDocument } from './manifest.js';

/** Indexes may point at indexes; one level of nesting is all real registries use. */
const MAX_INDEX_DEPTH = 2;

/**
 * Opens an image in a registry: resolves the tag (or digest) to one image manifest for the wanted
 * platform, reads and verifies the config, and streams layers on demand, verifying each blob digest
 * as it flows. Only GET and HEAD requests are made.
 */
export async function openRegistryImage(ref: RegistryReference, options: OpenOptions): Promise<ImageSource> {
  const reporter = options.reporter ?? silentReporter;
  const reference = formatRegistryReference(ref);
  const { credentials, note } = await resolveCredentials(ref.registry, options);
  if (note) reporter.warn(note);
  const client = new RegistryClient({
    registry: ref.registry,
    ...(options.insecure ? { insecure: true } : {}),
    ...(credentials ? { credentials } : {}),
    reporter,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    await client.ping(options.signal);
    const platform = options.platform ?? DEFAULT_PLATFORM;
    const signal = options.signal ? { signal: options.signal } : {};

    const wanted = ref.digest ?? ref.tag ?? 'latest';
    let fetched = await client.getManifest(ref.repository, wanted, signal).catch((e: unknown) => explainNotFound(e, client, ref, reference));
    let manifest: ManifestDocument = parseManifest(fetched.bytes, fetched.mediaType, reference);
    for (let depth = 0; manifest.kind === 'index'; depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new BulkheadError('MANIFEST_INVALID', `${reference}: image indexes nest deeper than ${MAX_INDEX_DEPTH}`, { input: reference });
      const chosen = selectPlatform(manifest.manifests, platform, reference);
      reporter.debug(`${reference}: index resolved to ${chosen.digest}`);
      fetched = await client.getManifest(ref.repository, chosen.digest, signal);
      manifest = parseManifest(fetched.bytes, fetched.mediaType, `${reference}@${chosen.digest}`);
    }

    const configDigest = manifest.config.digest;
    const configBytes = await client.getBlobBytes(ref.repository, configDigest, { ...signal, what: `${reference} config ${configDigest}` });
    const config: ImageConfig = parseConfig(configBytes, `${reference} config ${configDigest}`);
    const { layers, warnings } = alignLayers(manifest.layers, config, reference);
    for (const w of warnings) reporter.warn(w);

    return new RegistryImage(client, ref, reference, fetched.digest, configDigest, config, layers);
  } catch (e) {
    client.close();
    throw e;
  }
}

/**
 * Registries answer MANIFEST_UNKNOWN for a tag of a repository that does not exist too; the tag
 * list (Distribution spec, "Listing Tags") tells the two apart and shows what tags there are.
 */
async function explainNotFound(e: unknown, client: RegistryClient, ref: RegistryReference, reference: string): Promise<never> {
  if (!(e instanceof BulkheadError) || e.code !== 'REGISTRY_NOT_FOUND' || !/manifest not found/.test(e.message)) throw e;
  let tags: string[];
  try {
    tags = await client.listTags(ref.repository);
  } catch (probe) {
    if (probe instanceof BulkheadError && probe.code === 'REGISTRY_NOT_FOUND' && /repository not found/.test(probe.message)) {
      throw new BulkheadError('REGISTRY_NOT_FOUND', `${reference}: repository not found (${probe.message.slice(probe.message.indexOf('(') + 1, -1)})`, { input: reference, cause: e });
    }
    throw e;
  }
  const shown = tags.slice(0, 10).join(', ') + (tags.length > 10 ? `, … (${tags.length} in all)` : '');
  throw new BulkheadError('REGISTRY_NOT_FOUND', `${e.message.replace(/\)$/, '')}; the repository has ${tags.length ? `tags ${shown}` : 'no tags'})`, { input: reference, cause: e });
}

class RegistryImage implements ImageSource {
  readonly transport = 'registry' as const;
  readonly cacheable = true;
  readonly name: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly ref: RegistryReference,
    readonly reference: string,
    readonly manifestDigest: string,
    readonly configDigest: string,
    readonly config: ImageConfig,
    readonly layers: LayerRef[],
  ) {
    this.name = `${ref.registry}/${ref.repository}${ref.tag ? ':' + ref.tag : ''}`;
  }

  async *entries(layer: LayerRef, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
    const what = `${this.reference} layer ${layer.index} (${layer.digest})`;
    const { body } = await this.client.getBlob(this.ref.repository, layer.digest, signal);
    const verifier = new DigestVerifier(layer.digest, what, layer.size);
    // A download that breaks off reaches the tar reader as a network error, not as a corrupt layer.
    body.on('error', (e) => {
      verifier.destroy(new BulkheadError('NETWORK_ERROR', `${what}: the download broke off (${e.message})`, { input: what, cause: e }));
    });
    body.pipe(verifier);
    try {
      yield* tarEntries(verifier, what, signal);
    } finally {
      // A consumer that stops early must not leave the connection streaming.
      if (!body.readableEnded) body.destroy();
      if (!verifier.readableEnded) verifier.destroy();
    }
  }

  async rawLayer(layer: LayerRef, signal?: AbortSignal): Promise<RawLayer> {
    const what = `${this.reference} layer ${layer.index} (${layer.digest})`;
    const { body } = await this.client.getBlob(this.ref.repository, layer.digest, signal);
    return { stream: body, blobDigest: layer.digest, ...(layer.size !== undefined ? { blobSize: layer.size } : {}), what };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
