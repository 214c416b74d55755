/** The agent's configuration: the `runtime:` section of the policy file. */
export {
  runtimeConfigSchema,
  defaultRuntimeConfig,
  DEFAULT_INTERNAL_NETWORKS,
  DEFAULT_DATABASE_IMAGES,
  type RuntimeConfig,
  type DetectorResponse,
} from './schema.js';
