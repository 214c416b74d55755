import { BulkheadError } from '../../errors.js';
import { formatPlatform } from '../options.js';
import type { Platform } from '../types.js';

/** Media types of OCI image-spec (manifest.md, image-index.md) and Docker Image Manifest V2 Schema 2. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** What we accept when pulling a manifest, best first (Distribution spec, "Pulling manifests"). */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

/** OCI image spec, descriptor.md. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform & { 'os.version'?: string; 'os.features'?: string[] };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export type ManifestDocument =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[]; annotations?: Record<string, string> };

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/**
 * Parses a manifest or index. The kind comes from the document's `mediaType` when present, else from
 * the Content-Type, else from its shape (OCI allows manifests without `mediaType`).
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): ManifestDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: the manifest is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { input: what });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: the manifest is not a JSON object`, { input: what });
  }
  const m = doc as Record<string, unknown>;
  const headerType = contentType?.split(';')[0]?.trim();
  const mediaType = typeof m['mediaType'] === 'string' ? m['mediaType'] : headerType && headerType !== 'application/json' ? headerType : undefined;
  if (m['schemaVersion'] === 1 || mediaType === MEDIA_TYPES.dockerSchema1 || mediaType === MEDIA_TYPES.dockerSchema1Signed) {
    throw new BulkheadError('MANIFEST_UNSUPPORTED', `${what}: Docker schema 1 manifests are deprecated and not supported; push the image again with a current client`, { input: what });
  }
  if (m['schemaVersion'] !== 2) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: schemaVersion is ${JSON.stringify(m['schemaVersion'])}, expected 2`, { input: what });
  }
  const isIndex = mediaType ? INDEX_TYPES.has(mediaType) : Array.isArray(m['manifests']);
  if (isIndex) {
    return { kind: 'index', mediaType: mediaType ?? MEDIA_TYPES.ociIndex, manifests: descriptors(m['manifests'], 'manifests', what) };
  }
  if (mediaType && !IMAGE_TYPES.has(mediaType)) {
    throw new BulkheadError('MANIFEST_UNSUPPORTED', `${what}: media type "${mediaType}" is not an image manifest or index`, { input: what });
  }
  const config = descriptor(m['config'], 'config', what);
  const doc2: ManifestDocument = { kind: 'image', mediaType: mediaType ?? MEDIA_TYPES.ociManifest, config, layers: descriptors(m['layers'], 'layers', what) };
  if (typeof m['annotations'] === 'object' && m['annotations'] !== null) doc2.annotations = m['annotations'] as Record<string, string>;
  return doc2;
}

function descriptors(value: unknown, field: string, what: string): Descriptor[] {
  if (!Array.isArray(value)) throw new BulkheadError('MANIFEST_INVALID', `${what}: "${field}" must be an array`, { input: what });
  return value.map((v, i) => descriptor(v, `${field}[${i}]`, what));
}

function descriptor(value: unknown, field: string, what: string): Descriptor {
  const d = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof d['digest'] !== 'string' || typeof d['mediaType'] !== 'string' || typeof d['size'] !== 'number' || !Number.isSafeInteger(d['size']) || d['size'] < 0) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: "${field}" is not a descriptor (mediaType, digest and size are required)`, { input: what });
  }
  return d as unknown as Descriptor;
}

/**
 * Canonical architecture and variant, as containerd's platforms package normalises them, so that
 * `linux/arm64` finds `linux/arm64/v8` and `x86_64` means `amd64`.
 */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
      architecture = 'amd64';
      if (variant === 'v1') variant = undefined;
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8') variant = undefined;
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      variant = variant === undefined ? 'v7' : /^\d+$/.test(variant) ? `v${variant}` : variant;
      break;
    case 'i386':
    case 'i686':
      architecture = '386';
      break;
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * Chooses the image for a platform from an index (OCI image-index.md "platform"). Variants must
 * match after normalisation; entries without a platform, and attestation manifests (platform
 * unknown/unknown), are never chosen.
 */
export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, what: string): Descriptor {
  const want = normalizePlatform(wanted);
  const candidates = manifests.filter((d) => d.platform && d.platform.os !== 'unknown' && d.platform.architecture !== 'unknown');
  const match = candidates.find((d) => {
    const have = normalizePlatform(d.platform!);
    return have.os === want.os && have.architecture === want.architecture && have.variant === want.variant;
  });
  if (match) return match;
  // Asked without a variant for an architecture that has variants besides the default (arm64/v9):
  // take the first entry of that os/architecture rather than fail.
  if (wanted.variant === undefined) {
    const loose = candidates.find((d) => {
      const have = normalizePlatform(d.platform!);
      return have.os === want.os && have.architecture === want.architecture;
    });
    if (loose) return loose;
  }
  const available = candidates.map((d) => formatPlatform(d.platform!));
  throw new BulkheadError(
    'PLATFORM_NOT_FOUND',
    `${what}: no image for ${formatPlatform(wanted)}; available: ${available.length ? [...new Set(available)].join(', ') : 'none (the index names no platforms)'}`,
    { input: what },
  );
}
