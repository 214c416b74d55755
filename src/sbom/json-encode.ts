import type { ImageAnalysis } from '../catalog/analysis.js';

/**
 * The analysis itself as JSON (the `json` format): `schemaVersion` first, then every object's keys
 * in sorted order so equal analyses give equal bytes. The file index is not serialised.
 */
export function encodeJson(analysis: ImageAnalysis): string {
  const { schemaVersion, files: _files, ...rest } = analysis;
  const ordered = { schemaVersion, ...(sortKeys(rest) as Record<string, unknown>) };
  return JSON.stringify(ordered, null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
