/**
 * The secret scanner: built-in and custom rules over every layer's files and over the image
 * configuration, with redacted results turned into Findings.
 */
export { secretsAnalyzer, SECRETS_ANALYZER_NAME } from './analyzer.js';
export { scanImageConfig, secretRedactor, redactImageConfig } from './image-config.js';
export { loadSecretConfig, parseSecretConfig } from './config-file.js';
export { secretFindings, type LocatedSecretHit, type SecretImageFacts } from './findings.js';
export { SECRET_RULES } from './rules/index.js';
export { DEFAULT_MAX_SECRET_FILE_BYTES } from './build-engine.js';
export type { SecretAllow, SecretConfig, SecretHit, SecretRule, SecretScanOptions, SecretSeverity } from './types.js';
