/** Kubernetes manifest checks: Pod Security Standards (PSS-<control>) and hardening (BH-K8S-0xx). */
export { checkManifests, pssControls, PSS_ID_PREFIX, type ManifestCheckOptions } from './check-manifests.js';
export { parseManifests, type Manifest, type ParsedManifests, type Position, type FieldPath } from './manifest-source.js';
export { K8S_RULES, type HardeningRule } from './hardening-rules.js';
export { WORKLOAD_KINDS } from './pod-template.js';
export type { PssControl, PssLevel } from './pss-types.js';
