import type { Readable } from 'node:stream';
import { BulkheadError } from '../errors.js';
import { DigestVerifier } from './digest.js';
import { decompress, tarEntries } from './layer-tar.js';
import type { LayoutStore } from './oci-layout-store.js';
import type { LayoutImage } from './oci-layout-image.js';
import type { TransportName } from './reference.js';
import type { ImageConfig, ImageSource, LayerEntry, LayerRef, RawLayer } from './types.js';

/** Where a layer's bytes are and how they are checked. */
export interface LayerLocation {
  /** Name of the blob or member in the store. */
  name: string;
  /**
   * `blob`: the stored bytes hash to `LayerRef.digest` (OCI descriptors, size checked too).
   * `diffId`: the bytes after decompression hash to `LayerRef.diffId` (docker save, whose layer.tar
   * files are described only by the config's rootfs.diff_ids).
   */
  verify: 'blob' | 'diffId';
}

export interface StoreImage {
  transport: TransportName;
  reference: string;
  name?: string;
  manifestDigest?: string;
  configDigest: string;
  config: ImageConfig;
  layers: LayerRef[];
  locations: LayerLocation[];
  close?: () => Promise<void>;
}

/** An ImageSource whose layers are read from a LayoutStore and verified as they stream. */
export function storeSource(store: LayoutStore, image: StoreImage): ImageSource {
  const { locations } = image;
  return {
    transport: image.transport,
    reference: image.reference,
    ...(image.name !== undefined ? { name: image.name } : {}),
    ...(image.manifestDigest !== undefined ? { manifestDigest: image.manifestDigest } : {}),
    configDigest: image.configDigest,
    config: image.config,
    layers: image.layers,
    cacheable: true,
    localLayers: store.range !== undefined,
    entries(layer: LayerRef, signal?: AbortSignal): AsyncIterable<LayerEntry> {
      const location = locations[layer.index];
      if (!location) throw new BulkheadError('INTERNAL', `layer ${layer.index} is not a layer of ${image.reference}`);
      return layerEntries(store, layer, location, signal);
    },
    async rawLayer(layer: LayerRef): Promise<RawLayer> {
      const location = locations[layer.index];
      if (!location) throw new BulkheadError('INTERNAL', `layer ${layer.index} is not a layer of ${image.reference}`);
      const what = `${store.what}: layer ${layer.index} (${layer.digest})`;
      // a local file is read by the worker itself: no bytes cross threads
      const bytes = store.range ? { file: await store.range(location.name) } : { stream: await store.stream(location.name) };
      if (location.verify === 'blob') return { ...bytes, blobDigest: layer.digest, ...(layer.size !== undefined ? { blobSize: layer.size } : {}), what };
      return { ...bytes, diffId: layer.diffId ?? layer.digest, what };
    },
    close: image.close ?? (async () => {}),
  };
}

async function* layerEntries(store: LayoutStore, layer: LayerRef, location: LayerLocation, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
  const what = `${store.what}: layer ${layer.index} (${layer.digest})`;
  const raw = await store.stream(location.name);
  const streams: Readable[] = [raw];
  let verified: Readable;
  if (location.verify === 'blob') {
    const verifier = new DigestVerifier(layer.digest, what, layer.size);
    raw.on('error', (e) => verifier.destroy(e));
    verified = raw.pipe(verifier);
  } else {
    // decompress() passes plain tars through, so the diff ID is checked on the tar bytes either way.
    const plain = await decompress(raw, what);
    const verifier = new DigestVerifier(layer.diffId ?? layer.digest, what);
    plain.on('error', (e) => verifier.destroy(e));
    verified = plain.pipe(verifier);
    streams.push(plain);
  }
  streams.push(verified);
  try {
    yield* tarEntries(verified, what, signal);
  } finally {
    for (const s of streams) s.destroy();
  }
}

/** Locations for an image resolved from an OCI layout: every layer is a verified blob. */
export function blobLocations(image: LayoutImage, blobName: (digest: string) => string): LayerLocation[] {
  return image.layers.map((l) => ({ name: blobName(l.digest), verify: 'blob' as const }));
}
