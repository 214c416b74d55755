import type { SecretRule } from '../types.js';
import { CLOUD_RULES } from './cloud.js';
import { CODE_HOSTING_RULES } from './code-hosting.js';
import { FILE_RULES } from './files.js';
import { GENERIC_RULES } from './generic.js';
import { KEY_RULES } from './keys.js';
import { SERVICE_RULES } from './services.js';

/**
 * The built-in rules, in priority order: when two rules match the same characters, the earlier one
 * is reported (a provider token inside a URL is that provider's token; generic rules come last).
 */
export const SECRET_RULES: readonly SecretRule[] = Object.freeze([
  ...CLOUD_RULES,
  ...CODE_HOSTING_RULES,
  ...SERVICE_RULES,
  ...KEY_RULES,
  ...FILE_RULES,
  ...GENERIC_RULES,
]);
