import { BulkheadError } from '../errors.js';
import { verifyBuffer } from './digest.js';
import { printable } from './layer-tar.js';
import { blobPath, parseJsonObject, type LayoutStore } from './oci-layout-store.js';
import {
  checkConfigMediaType, diffIdsFor, indexSchema, INDEX_TYPES, layerCommands, manifestSchema, MANIFEST_TYPES, parseConfig,
  validate, withCommand, type Descriptor, type Manifest,
} from './oci-layout-schema.js';
import { DEFAULT_PLATFORM, formatPlatform, type OpenOptions } from './options.js';
import type { ImageConfig, LayerRef, Platform } from './types.js';

/** One image of a layout, resolved down to its manifest, config and layers. */
export interface LayoutImage {
  manifestDigest: string;
  manifest: Manifest;
  configDigest: string;
  config: ImageConfig;
  layers: LayerRef[];
  /** `repo:tag` from the annotations, when the layout records one. */
  name?: string;
}

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';
/** Indexes may nest (an index per tag, then one per platform); deeper than this is a loop or an attack. */
const MAX_DEPTH = 4;

/**
 * Resolves an image in an OCI image layout (image-layout.md): `index.json`, then nested indexes by
 * platform, then the manifest. `selector` is a `org.opencontainers.image.ref.name`, a digest, or `@N`.
 */
export async function resolveLayoutImage(store: LayoutStore, selector: string | undefined, options: OpenOptions): Promise<LayoutImage> {
  const top = validate(indexSchema, parseJsonObject(await store.read('index.json'), `${store.what}: index.json`), `${store.what}: index.json`);
  const list = top.manifests;
  if (list.length === 0) throw new BulkheadError('MANIFEST_INVALID', `${store.what}: index.json lists no images`, { input: store.what });
  let chosen: Descriptor;
  if (selector !== undefined) {
    chosen = select(list, selector, store.what);
  } else if (list.length === 1) {
    chosen = list[0]!;
  } else {
    const names = [...new Set(list.map((d) => d.annotations?.[REF_NAME]).filter((n): n is string => n !== undefined))];
    // Several tagged images need a choice; several untagged platform manifests are one multi-platform image.
    if (names.length > 1) {
      throw new BulkheadError('USAGE', `${store.what}: holds ${list.length} images, pick one with ":NAME" (${names.map(printable).join(', ')})`, { input: store.what });
    }
    chosen = choosePlatform(list, options.platform ?? DEFAULT_PLATFORM, `${store.what}: index.json`);
  }
  const image = await resolveDescriptor(store, chosen, options.platform ?? DEFAULT_PLATFORM, 0);
  const name = chosen.annotations?.[CONTAINERD_NAME] ?? refNameAsImageName(chosen.annotations?.[REF_NAME]);
  return name === undefined ? image : { ...image, name };
}

/** A ref name is often a bare tag (`latest`); only a full `repo:tag` is a usable image name. */
function refNameAsImageName(ref: string | undefined): string | undefined {
  return ref !== undefined && /[:/]/.test(ref) ? ref : undefined;
}

function select(list: Descriptor[], selector: string, what: string): Descriptor {
  const at = /^@(\d+)$/.exec(selector);
  if (at) {
    const d = list[Number(at[1])];
    if (!d) throw new BulkheadError('INPUT_NOT_FOUND', `${what}: no image @${at[1]}, the index holds ${list.length}`, { input: what });
    return d;
  }
  const found = list.find((d) => d.digest === selector || d.annotations?.[REF_NAME] === selector || d.annotations?.[CONTAINERD_NAME] === selector);
  if (found) return found;
  const names = list.map((d) => d.annotations?.[REF_NAME] ?? d.digest);
  throw new BulkheadError('INPUT_NOT_FOUND', `${what}: no image "${printable(selector)}" (it holds ${names.map(printable).join(', ')})`, { input: what });
}

function platformOk(p: Descriptor['platform'], want: Platform): boolean {
  if (!p) return false;
  return p.os === want.os && p.architecture === want.architecture && (want.variant === undefined || p.variant === want.variant);
}

function choosePlatform(list: Descriptor[], want: Platform, what: string): Descriptor {
  const matches = list.filter((d) => platformOk(d.platform, want));
  if (matches.length > 0) {
    // Without a requested variant prefer the plain entry, then the first (arm64 lists v8 first in practice).
    return matches.find((d) => d.platform?.variant === undefined) ?? matches[0]!;
  }
  const unplatformed = list.filter((d) => !d.platform);
  if (unplatformed.length === 1) return unplatformed[0]!;
  const have = list.filter((d) => d.platform && d.platform.os !== 'unknown').map((d) => formatPlatform(d.platform!));
  throw new BulkheadError('PLATFORM_NOT_FOUND', `${what}: no ${formatPlatform(want)} image (it has ${have.join(', ') || 'no platform entries'})`, { input: what });
}

async function readBlob(store: LayoutStore, d: Descriptor): Promise<{ data: Buffer; json: Record<string, unknown> }> {
  const what = `${store.what}: blob ${d.digest}`;
  const data = await store.read(blobPath(d.digest, what));
  verifyBuffer(data, d.digest, what);
  if (data.length !== d.size) throw new BulkheadError('DIGEST_MISMATCH', `${what}: ${data.length} bytes, the descriptor says ${d.size}`, { input: store.what });
  return { data, json: parseJsonObject(data, what) };
}

async function resolveDescriptor(store: LayoutStore, d: Descriptor, platform: Platform, depth: number): Promise<LayoutImage> {
  const what = `${store.what}: ${d.digest}`;
  if (depth > MAX_DEPTH) throw new BulkheadError('MANIFEST_INVALID', `${what}: indexes nest deeper than ${MAX_DEPTH}`, { input: store.what });
  const { json } = await readBlob(store, d);
  const type = d.mediaType ?? (typeof json.mediaType === 'string' ? json.mediaType : undefined);
  const isIndex = type !== undefined ? INDEX_TYPES.has(type) : Array.isArray(json.manifests);
  if (isIndex) {
    const index = validate(indexSchema, json, what);
    return resolveDescriptor(store, choosePlatform(index.manifests, platform, what), platform, depth + 1);
  }
  if (type !== undefined && !MANIFEST_TYPES.has(type)) {
    throw new BulkheadError('MANIFEST_UNSUPPORTED', `${what}: media type "${type}" is not an image manifest or index`, { input: store.what });
  }
  const manifest = validate(manifestSchema, json, what);
  return imageFromManifest(store, d.digest, manifest);
}

export async function imageFromManifest(store: LayoutStore, manifestDigest: string, manifest: Manifest): Promise<LayoutImage> {
  const what = `${store.what}: manifest ${manifestDigest}`;
  checkConfigMediaType(manifest, what);
  const { json } = await readBlob(store, manifest.config);
  const config = parseConfig(json, `${store.what}: config ${manifest.config.digest}`);
  const diffIds = diffIdsFor(config, manifest.layers.length, `${store.what}: config ${manifest.config.digest}`);
  const commands = layerCommands(config, manifest.layers.length);
  const layers = manifest.layers.map((l, index): LayerRef => {
    const ref: LayerRef = { index, digest: l.digest, diffId: diffIds[index]!, mediaType: l.mediaType ?? 'application/vnd.oci.image.layer.v1.tar', size: l.size };
    return withCommand(ref, commands[index]);
  });
  return { manifestDigest, manifest, configDigest: manifest.config.digest, config, layers };
}

/**
 * Finds the manifest whose config is `configDigest` anywhere in the layout (Docker 25+ writes an OCI
 * layout beside manifest.json; this gives the manifest digest for an image chosen by RepoTag).
 */
export async function findManifestByConfig(store: LayoutStore, configDigest: string, platform: Platform): Promise<LayoutImage | undefined> {
  if (!(await store.has('index.json'))) return undefined;
  const top = validate(indexSchema, parseJsonObject(await store.read('index.json'), `${store.what}: index.json`), `${store.what}: index.json`);
  const queue: { d: Descriptor; depth: number }[] = top.manifests.map((d) => ({ d, depth: 0 }));
  while (queue.length) {
    const { d, depth } = queue.shift()!;
    if (depth > MAX_DEPTH || !(await store.has(blobPath(d.digest, store.what)))) continue;
    const { json } = await readBlob(store, d);
    if (Array.isArray(json.manifests)) {
      const index = validate(indexSchema, json, `${store.what}: ${d.digest}`);
      const preferred = index.manifests.filter((m) => platformOk(m.platform, platform));
      for (const m of [...preferred, ...index.manifests.filter((x) => !preferred.includes(x))]) queue.push({ d: m, depth: depth + 1 });
      continue;
    }
    const parsed = manifestSchema.safeParse(json);
    if (parsed.success && parsed.data.config.digest === configDigest) return imageFromManifest(store, d.digest, parsed.data);
  }
  return undefined;
}
