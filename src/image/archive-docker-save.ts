import { BulkheadError } from '../errors.js';
import { storeSource, type LayerLocation } from './archive-source.js';
import { digestOf, verifyBuffer } from './digest.js';
import { printable } from './layer-tar.js';
import { findManifestByConfig } from './oci-layout-image.js';
import { dockerSaveManifestSchema, diffIdsFor, layerCommands, parseConfig, validate, withCommand } from './oci-layout-schema.js';
import { blobPath, parseJsonObject, type LayoutStore } from './oci-layout-store.js';
import { DEFAULT_PLATFORM, type OpenOptions } from './options.js';
import { formatRegistryReference, parseRegistryReference } from './reference.js';
import type { ImageSource, LayerRef } from './types.js';

type SaveEntry = ReturnType<typeof dockerSaveManifestSchema.parse>[number];

/**
 * Reads a `docker save` archive through its manifest.json (Docker's image/spec "Combined Image JSON +
 * Filesystem Changeset Format"): `Config` names the image config, `Layers` the layer tars in order.
 * Docker 25 and later also write an OCI layout beside it; when one is there the image's OCI manifest
 * gives the manifest digest and blob digests.
 */
export async function openDockerSave(
  store: LayoutStore,
  reference: string,
  selector: string | undefined,
  options: OpenOptions,
  close: () => Promise<void>,
): Promise<ImageSource> {
  const what = store.what;
  let parsed: unknown;
  try {
    parsed = JSON.parse((await store.read('manifest.json')).toString('utf8'));
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('MANIFEST_INVALID', `${what}: manifest.json is not valid JSON (${(e as Error).message})`, { input: what, cause: e });
  }
  const images = validate(dockerSaveManifestSchema, parsed, `${what}: manifest.json`);
  if (images.length === 0) throw new BulkheadError('MANIFEST_INVALID', `${what}: manifest.json lists no images`, { input: what });
  const { entry, tag } = chooseImage(images, selector, what);

  const configData = await store.read(entry.Config);
  // Legacy archives name the config `<image ID hex>.json`, newer ones `blobs/sha256/<hex>`: both say its digest.
  const named = /(?:^|\/)(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config);
  if (named) verifyBuffer(configData, `sha256:${named[1]}`, `${what}: ${entry.Config}`);
  const configDigest = digestOf(configData);
  const configWhat = `${what}: ${entry.Config}`;
  const config = parseConfig(parseJsonObject(configData, configWhat), configWhat);
  const diffIds = diffIdsFor(config, entry.Layers.length, configWhat);
  const commands = layerCommands(config, entry.Layers.length);

  const oci = await findManifestByConfig(store, configDigest, options.platform ?? DEFAULT_PLATFORM);
  let layers: LayerRef[];
  let locations: LayerLocation[];
  if (oci && oci.layers.length === entry.Layers.length) {
    layers = oci.layers;
    locations = oci.layers.map((l) => ({ name: blobPath(l.digest, what), verify: 'blob' }));
  } else {
    layers = [];
    for (const [index, name] of entry.Layers.entries()) {
      const diffId = diffIds[index]!;
      const ref: LayerRef = { index, digest: diffId, diffId, mediaType: 'application/vnd.docker.image.rootfs.diff.tar', size: await store.size(name) };
      layers.push(withCommand(ref, commands[index]));
    }
    locations = entry.Layers.map((name) => ({ name, verify: 'diffId' }));
  }
  return storeSource(store, {
    transport: 'docker-archive',
    reference,
    ...(tag !== undefined ? { name: tag } : {}),
    ...(oci ? { manifestDigest: oci.manifestDigest } : {}),
    configDigest,
    config,
    layers,
    locations,
    close,
  });
}

function chooseImage(images: SaveEntry[], selector: string | undefined, what: string): { entry: SaveEntry; tag?: string } {
  const tagsOf = (e: SaveEntry) => e.RepoTags ?? [];
  if (selector === undefined) {
    if (images.length > 1) {
      const list = images.map((e, i) => tagsOf(e)[0] ?? `@${i}`);
      throw new BulkheadError('USAGE', `${what}: holds ${images.length} images, pick one with ":NAME:TAG" or ":@N" (${list.map(printable).join(', ')})`, { input: what });
    }
    const entry = images[0]!;
    const tag = tagsOf(entry)[0];
    return tag !== undefined ? { entry, tag } : { entry };
  }
  const at = /^@(\d+)$/.exec(selector);
  if (at) {
    const entry = images[Number(at[1])];
    if (!entry) throw new BulkheadError('INPUT_NOT_FOUND', `${what}: no image ${selector}, the archive holds ${images.length}`, { input: what });
    const tag = tagsOf(entry)[0];
    return tag !== undefined ? { entry, tag } : { entry };
  }
  const want = normalise(selector);
  for (const entry of images) {
    const tag = tagsOf(entry).find((t) => t === selector || normalise(t) === want);
    if (tag !== undefined) return { entry, tag };
  }
  const all = images.flatMap(tagsOf);
  throw new BulkheadError('INPUT_NOT_FOUND', `${what}: no image tagged "${printable(selector)}" (it holds ${all.map(printable).join(', ') || 'untagged images'})`, { input: what });
}

/** `debian:12` and `docker.io/library/debian:12` name the same image. */
function normalise(name: string): string {
  try {
    return formatRegistryReference(parseRegistryReference(name));
  } catch {
    return name;
  }
}
