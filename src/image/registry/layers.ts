import { BulkheadError } from '../../errors.js';
import type { ImageConfig, LayerRef } from '../types.js';
import type { Descriptor } from './manifest.js';

/**
 * Lines up the manifest's layer descriptors with the config: `rootfs.diff_ids` has one entry per
 * layer in the same order (OCI image spec, config.md "rootfs"), and `history` has one entry per
 * layer once the `empty_layer` entries are left out (config.md "history").
 */
export function alignLayers(layers: readonly Descriptor[], config: ImageConfig, what: string): { layers: LayerRef[]; warnings: string[] } {
  const warnings: string[] = [];
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== 0 && diffIds.length !== layers.length) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: the manifest lists ${layers.length} layers but the config has ${diffIds.length} diff_ids`, { input: what });
  }
  const history = (config.history ?? []).filter((h) => h.empty_layer !== true);
  const useHistory = history.length === layers.length;
  if (!useHistory && history.length > 0) {
    warnings.push(`${what}: the config history has ${history.length} layer entries for ${layers.length} layers; layer commands are not shown`);
  }
  const refs = layers.map((d, index) => {
    const ref: LayerRef = { index, digest: d.digest, mediaType: d.mediaType, size: d.size };
    const diffId = diffIds[index];
    if (diffId) ref.diffId = diffId;
    const createdBy = useHistory ? history[index]?.created_by : undefined;
    if (createdBy) ref.createdBy = createdBy;
    return ref;
  });
  return { layers: refs, warnings };
}

/** Parses a config blob; only its JSON shape is checked, the fields Bulkhead reads are optional. */
export function parseConfig(bytes: Buffer, what: string): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: the image config is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { input: what });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: the image config is not a JSON object`, { input: what });
  }
  const config = doc as ImageConfig;
  if (config.rootfs !== undefined && !Array.isArray(config.rootfs.diff_ids)) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: rootfs.diff_ids must be an array`, { input: what });
  }
  if (config.history !== undefined && !Array.isArray(config.history)) {
    throw new BulkheadError('MANIFEST_INVALID', `${what}: history must be an array`, { input: what });
  }
  return config;
}
