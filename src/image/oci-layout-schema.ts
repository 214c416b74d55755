import { z } from 'zod';
import { BulkheadError } from '../errors.js';
import type { ImageConfig, LayerRef } from './types.js';

/** OCI image spec, descriptor.md. */
export const descriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().int().nonnegative(),
  platform: z
    .object({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
    .optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

/** OCI image spec, image-index.md (also Docker's manifest list v2 schema 2). */
export const indexSchema = z.object({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
});

/** OCI image spec, manifest.md (also Docker's image manifest v2 schema 2). */
export const manifestSchema = z.object({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** OCI image spec, config.md: only `rootfs` and `history` are checked; the rest is kept as is. */
const configSchema = z.looseObject({
  rootfs: z.object({ type: z.string(), diff_ids: z.array(z.string()) }).optional(),
  history: z.array(z.looseObject({ created_by: z.string().optional(), empty_layer: z.boolean().optional() })).optional(),
});

/** `docker save` manifest.json: one entry per image. */
export const dockerSaveManifestSchema = z.array(
  z.object({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullable().optional(),
    Layers: z.array(z.string()),
  }),
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
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
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
