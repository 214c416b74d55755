import type { ImageConfig } from '../image/types.js';
import { buildEngine } from './build-engine.js';
import type { SecretEngine } from './engine.js';
import type { SecretHit, SecretScanOptions } from './types.js';

/**
 * Secrets in the image configuration (OCI image spec, config.md): environment variables, labels,
 * the entrypoint, command and health check, and every history entry's `created_by` (which records
 * `ENV`, `ARG` values given to `RUN` steps and whole shell commands). Each place is scanned as its
 * own text (`NAME=value` for variables and labels, so name-based rules see the name); line and
 * column are within that text. The same secret found by the same rule in several places is reported
 * once, at the first place (variables come before the history that set them).
 */
export function scanImageConfig(config: ImageConfig, options: SecretScanOptions = {}, engine: SecretEngine = buildEngine(options)): SecretHit[] {
  const places: Array<[string, string]> = [];
  const c = config.config;
  (c?.Env ?? []).forEach((env, i) => places.push([`config.Env[${i}]`, env]));
  for (const [key, value] of Object.entries(c?.Labels ?? {})) places.push([`config.Labels[${JSON.stringify(key)}]`, `${key}=${value}`]);
  if (c?.Entrypoint) places.push(['config.Entrypoint', c.Entrypoint.join(' ')]);
  if (c?.Cmd) places.push(['config.Cmd', c.Cmd.join(' ')]);
  if (c?.Healthcheck?.Test) places.push(['config.Healthcheck.Test', c.Healthcheck.Test.join(' ')]);
  (config.history ?? []).forEach((entry, i) => {
    if (entry.created_by) places.push([`history[${i}].created_by`, entry.created_by]);
    if (entry.comment) places.push([`history[${i}].comment`, entry.comment]);
  });
  const seen = new Set<string>();
  const hits: SecretHit[] = [];
  for (const [location, text] of places) {
    for (const hit of engine.scan(Buffer.from(text, 'utf8'), undefined).hits) {
      const key = `${hit.rule}:${hit.sha256}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ ...hit, location });
    }
  }
  return hits;
}

/**
 * A copy of an image configuration with every secret the rules find in it (ENV, labels, commands,
 * history) replaced by its redacted form, and the same redaction for any other string taken from it
 * (layer `createdBy`): reports show the configuration, never the secret.
 */
export function secretRedactor(options: SecretScanOptions = {}, engine: SecretEngine = buildEngine(options)): (text: string) => string {
  const cache = new Map<string, string>();
  return (text: string): string => {
    let out = cache.get(text);
    if (out === undefined) {
      // configuration strings are UTF-8; the engine works on Latin-1 bytes
      out = Buffer.from(engine.redactText(Buffer.from(text, 'utf8').toString('latin1')), 'latin1').toString('utf8');
      cache.set(text, out);
    }
    return out;
  };
}

export function redactImageConfig(config: ImageConfig, redactText: (text: string) => string): ImageConfig {
  // every string, not only the fields Bulkhead knows: configurations carry legacy copies
  // (`container_config` of the classic builder) and fields of other builders
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // labels are scanned as `key=value`, as the scanner saw them
        out[k] = key === 'Labels' && typeof v === 'string' ? redactText(`${k}=${v}`).slice(k.length + 1) : walk(v, k);
      }
      return out;
    }
    return value;
  };
  return walk(config) as ImageConfig;
}
