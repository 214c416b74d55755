/** Policy as code: the policy file, the facts a gate knows, and the one pure decision over them. */
export { evaluatePolicy } from './evaluate.js';
export { factsFromScan } from './facts.js';
export { loadPolicy, parsePolicy, PolicyInvalidError, MAX_POLICY_BYTES } from './load-policy.js';
export { policySchema, HOST_NAMESPACES, CAPABILITIES, LIMIT_KINDS, capabilityName, type LimitKind, type Policy, type PolicyException, type PackageDenyEntry, type SignatureRequirement, type KeylessIdentity, type HostNamespace } from './schema.js';
export { RULE_IDS, RULE_TITLES, type RuleId } from './rule-ids.js';
export type { PolicyFacts, ImagePolicyFacts, PackageFacts, SignatureFacts, DeploymentFacts, PolicyResult, RuleResult, RuleVerdict, AppliedException } from './types.js';
export { parseDuration, formatDuration } from './duration.js';
