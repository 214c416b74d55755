/** Verdicts: every stored image's policy status (all active policies) and signature status, kept current. */
export { VerdictService, scanFacts, type VerdictServiceOptions, type ReevaluationTrigger } from './verdict-service.js';
export { verdictService, attachVerdicts, VERDICTS } from './verdict-wiring.js';
export { judgeImage, combinePolicyVerdicts, combineSignatureChecks, isNewFailure, type ImageVerdict, type PolicyVerdict, type FailedRule, type SignatureCheck, type PolicyStatus, type SignatureStatus, type ActivePolicy } from './judge-image.js';
export { loadPolicyView, type PolicyView } from './verdict-store.js';
export { policyFailAlert } from './policy-fail-alert.js';
export { signatureTarget } from './signature-lookup.js';
