import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import { blobLocations, storeSource } from './archive-source.js';
import { resolveLayoutImage } from './oci-layout-image.js';
import { blobPath, dirStore, parseJsonObject, type LayoutStore } from './oci-layout-store.js';
import type { OpenOptions } from './options.js';
import type { TransportName } from './reference.js';
import type { ImageSource } from './types.js';

/** Opens one image of an OCI image layout directory (OCI image spec, image-layout.md). */
export async function openOciLayout(dir: string, selector: string | undefined, options: OpenOptions): Promise<ImageSource> {
  const root = resolve(dir);
  try {
    const st = await stat(root);
    if (!st.isDirectory()) throw new BulkheadError('INPUT_INVALID', `oci:${dir}: not a directory (for a tar of a layout use oci-archive:)`, { input: dir });
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('INPUT_NOT_FOUND', `oci:${dir}: no such directory`, { input: dir, cause: e });
  }
  const reference = `oci:${dir}${selector !== undefined ? ':' + selector : ''}`;
  return openLayoutStore(dirStore(root, `oci:${dir}`), 'oci', reference, selector, options);
}

/** Shared by `oci:` and `oci-archive:`: the layout checks, then the image. */
export async function openLayoutStore(
  store: LayoutStore,
  transport: TransportName,
  reference: string,
  selector: string | undefined,
  options: OpenOptions,
  close?: () => Promise<void>,
): Promise<ImageSource> {
  await checkLayoutMarker(store);
  const image = await resolveLayoutImage(store, selector, options);
  return storeSource(store, {
    transport,
    reference,
    ...(image.name !== undefined ? { name: image.name } : {}),
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    config: image.config,
    layers: image.layers,
    locations: blobLocations(image, (d) => blobPath(d, store.what)),
    ...(close ? { close } : {}),
  });
}

/** image-layout.md "oci-layout file": `{"imageLayoutVersion": "1.0.0"}`; only major version 1 exists. */
async function checkLayoutMarker(store: LayoutStore): Promise<void> {
  if (!(await store.has('oci-layout'))) {
    throw new BulkheadError('INPUT_INVALID', `${store.what}: missing the "oci-layout" file, not an OCI image layout`, { input: store.what });
  }
  const marker = parseJsonObject(await store.read('oci-layout'), `${store.what}: oci-layout`);
  const version = marker.imageLayoutVersion;
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw new BulkheadError('MANIFEST_UNSUPPORTED', `${store.what}: image layout version ${JSON.stringify(version)} is not supported (1.x is)`, { input: store.what });
  }
}
