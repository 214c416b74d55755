import { createHash } from 'node:crypto';
import { BulkheadError } from '../errors.js';
import { parseSecretConfig, secretConfigSchema } from './config-file.js';
import { DOCUMENTED_EXAMPLE_VALUES } from './default-allow.js';
import { SecretEngine } from './engine.js';
import { SECRET_RULES } from './rules/index.js';
import type { SecretConfig, SecretScanOptions } from './types.js';

/** Bumped when built-in rules or matching change: part of the analyser's cache version. */
export const ENGINE_VERSION = 1;

/** Default largest file scanned: configuration and source files are far smaller. */
export const DEFAULT_MAX_SECRET_FILE_BYTES = 10 * 1024 * 1024;

/** The configuration the options describe, validated (a parsed `config` is checked again: it may come from JSON). */
export function resolveConfig(options: SecretScanOptions): SecretConfig {
  const fromText = options.configText === undefined ? undefined : parseSecretConfig(options.configText, options.configName ?? 'secret configuration');
  let fromObject: SecretConfig | undefined;
  if (options.config !== undefined) {
    const parsed = secretConfigSchema.safeParse(options.config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BulkheadError('INPUT_INVALID', `${options.configName ?? 'secret configuration'}: ${issue.path.join('.')}: ${issue.message}`);
    }
    fromObject = parsed.data as SecretConfig;
  }
  return {
    rules: [...(fromText?.rules ?? []), ...(fromObject?.rules ?? [])],
    allow: [...(fromText?.allow ?? []), ...(fromObject?.allow ?? [])],
    disableRules: [...(fromText?.disableRules ?? []), ...(fromObject?.disableRules ?? []), ...(options.disableRules ?? [])],
  };
}

/** Built-in rules (minus disabled ones), then custom rules; the documented example values allowed. */
export function buildEngine(options: SecretScanOptions): SecretEngine {
  const config = resolveConfig(options);
  const disabled = new Set(config.disableRules);
  const customIds = new Set(config.rules.map((r) => r.id));
  const builtIn = SECRET_RULES.filter((r) => !disabled.has(r.id) && !customIds.has(r.id));
  const custom = config.rules.filter((r) => !disabled.has(r.id));
  return new SecretEngine([...builtIn, ...custom], [DOCUMENTED_EXAMPLE_VALUES, ...config.allow]);
}

/** A number that changes when the options change, so cached layer results never outlive them. */
export function analyzerVersion(options: SecretScanOptions): number {
  const digest = createHash('sha256').update(JSON.stringify([ENGINE_VERSION, options])).digest();
  return digest.readUInt32BE(0);
}
