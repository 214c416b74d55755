import { BulkheadError } from '../errors.js';
import { array, boolean, nullable, number, object, optional, record, shape, size, string, type Shape } from './document-shape.js';
import type { ImageConfig, LayerRef } from './types.js';

export interface Descriptor {
  mediaType?: string | undefined;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string | undefined } | undefined;
  annotations?: Record<string, string> | undefined;
}

/** OCI image spec, descriptor.md. */
const descriptor = object<Descriptor>({
  mediaType: optional(string),
  digest: string,
  size,
  platform: optional(object({ os: string, architecture: string, variant: optional(string) })),
  annotations: optional(record(string)),
});
export const descriptorSchema: Shape<Descriptor> = shape(descriptor);

/** OCI image spec, image-index.md (also Docker's manifest list v2 schema 2). */
export const indexSchema = shape(
  object<{ schemaVersion?: number | undefined; mediaType?: string | undefined; manifests: Descriptor[] }>({
    schemaVersion: optional(number),
    mediaType: optional(string),
    manifests: array(descriptor),
  }),
);

export interface Manifest {
  schemaVersion?: number | undefined;
  mediaType?: string | undefined;
  config: Descriptor;
  layers: Descriptor[];
}

/** OCI image spec, manifest.md (also Docker's image manifest v2 schema 2). */
export const manifestSchema: Shape<Manifest> = shape(
  object<Manifest>({ schemaVersion: optional(number), mediaType: optional(string), config: descriptor, layers: array(descriptor) }),
);

/** OCI image spec, config.md: only `rootfs` and `history` are checked; the rest is kept as is. */
const configSchema = shape(
  object<{ rootfs?: { type: string; diff_ids: string[] } | undefined; history?: Record<string, unknown>[] | undefined }>(
    {
      rootfs: optional(object({ type: string, diff_ids: array(string) })),
      history: optional(array(object({ created_by: optional(string), empty_layer: optional(boolean) }, true))),
    },
    true,
  ),
);

/** `docker save` manifest.json: one entry per image. */
export const dockerSaveManifestSchema = shape(
  array(object<{ Config: string; RepoTags?: string[] | null | undefined; Layers: string[] }>({ Config: string, RepoTags: optional(nullable(array(string))), Layers: array(string) })),
);

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA.ociIndex, MEDIA.dockerList]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set([MEDIA.ociManifest, MEDIA.dockerManifest]);
const CONFIG_TYPES: ReadonlySet<string> = new Set([MEDIA.ociConfig, MEDIA.dockerConfig]);

/** Validates parsed JSON against a schema; MANIFEST_INVALID names the document and the first problem. */
export function validate<T>(schema: Shape<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new BulkheadError('MANIFEST_INVALID', `${what}: ${issue?.message ?? 'invalid document'}${where}`, { input: what });
}

export function parseConfig(value: unknown, what: string): ImageConfig {
  return validate(configSchema, value, what) as ImageConfig;
}

export function checkConfigMediaType(manifest: Manifest, what: string): void {
  const t = manifest.config.mediaType;
  if (t !== undefined && !CONFIG_TYPES.has(t)) {
    throw new BulkheadError('MANIFEST_UNSUPPORTED', `${what}: config media type "${t}" is not a container image (an artifact?)`, { input: what });
  }
}

/**
 * The Dockerfile line that made each layer: history entries marked `empty_layer` made no layer
 * (OCI image spec, config.md "history"), the others map to layers in order.
 */
export function layerCommands(config: ImageConfig, layerCount: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const h of config.history ?? []) {
    if (h.empty_layer) continue;
    out.push(h.created_by);
  }
  return Array.from({ length: layerCount }, (_, i) => out[i]);
}

/** Checks the config lists one diff ID per layer (OCI image spec, config.md "rootfs"). */
export function diffIdsFor(config: ImageConfig, layerCount: number, what: string): string[] {
  const ids = config.rootfs?.diff_ids ?? [];
  if (ids.length !== layerCount) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: the config lists ${ids.length} diff IDs for ${layerCount} layers`, { input: what });
  }
  return ids;
}

export function withCommand(ref: LayerRef, cmd: string | undefined): LayerRef {
  return cmd === undefined ? ref : { ...ref, createdBy: cmd };
}
