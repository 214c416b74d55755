/**
 * The pure part of an image's verdict: every active policy judged with the one `evaluatePolicy`
 * (the same decision `bulkhead policy check` makes), combined into the image's policy status, and
 * the signature checks combined into its signature status. No I/O: the service gathers the facts.
 */
import { evaluatePolicy, type Policy, type PolicyFacts, type PolicyResult, type SignatureFacts } from '../../policy/index.js';

export type PolicyStatus = 'pass' | 'fail' | 'unknown';
export type SignatureStatus = 'verified' | 'unsigned' | 'invalid' | 'unknown';

export interface ActivePolicy {
  name: string;
  version: number;
  policy: Policy;
}

/** What verifying an image's signatures against one policy's requirement gave. */
export type SignatureCheck =
  /** Signatures were looked up: the facts (verified ones are by a key or identity the policy names) and how many were found. */
  | { outcome: 'checked'; facts: SignatureFacts[]; found: number }
  /** The image is not in a registry (an archive uploaded from CI): nothing to look up. */
  | { outcome: 'not-registry'; facts: SignatureFacts[] }
  /** The lookup itself failed (registry unreachable, key unreadable): the requirement is not shown met. */
  | { outcome: 'error'; facts: SignatureFacts[]; reason: string };

export interface FailedRule {
  policyName: string;
  policyVersion: number;
  rule: string;
  title: string;
  evidence: string[];
}

export interface PolicyVerdict {
  policyName: string;
  policyVersion: number;
  verdict: 'pass' | 'fail';
  result: PolicyResult;
  /** The signature check fed to the policy's signature rule, when the policy has one. */
  signatures?: SignatureCheck;
}

export interface ImageVerdict {
  policyStatus: PolicyStatus;
  signatureStatus: SignatureStatus;
  policies: PolicyVerdict[];
  failedRules: FailedRule[];
}

/**
 * Judges the image against each policy. `signatures` maps a policy name to the check made for its
 * requirement; a policy with a signature requirement but no check sees the signature fact absent
 * (its rule is skipped with that reason, as evaluatePolicy does for any missing fact).
 */
export function judgeImage(policies: readonly ActivePolicy[], facts: PolicyFacts, signatures: ReadonlyMap<string, SignatureCheck>, now: Date): ImageVerdict {
  const verdicts: PolicyVerdict[] = [];
  for (const p of policies) {
    const check = p.policy.trust?.signatures ? signatures.get(p.name) : undefined;
    const withSignatures: PolicyFacts = check ? { ...facts, signatures: check.facts } : facts;
    const result = evaluatePolicy(p.policy, withSignatures, now);
    verdicts.push({ policyName: p.name, policyVersion: p.version, verdict: result.verdict, result, ...(check ? { signatures: check } : {}) });
  }
  const failedRules = verdicts.flatMap((v) =>
    v.result.rules.filter((r) => r.verdict === 'fail').map((r) => ({ policyName: v.policyName, policyVersion: v.policyVersion, rule: r.id, title: r.title, evidence: r.evidence })),
  );
  return {
    policyStatus: combinePolicyVerdicts(verdicts.map((v) => v.verdict)),
    signatureStatus: combineSignatureChecks(verdicts.flatMap((v) => (v.signatures ? [v.signatures] : []))),
    policies: verdicts,
    failedRules,
  };
}

/** Several active policies: the image fails if any fails; with none there is nothing to judge by. */
export function combinePolicyVerdicts(verdicts: readonly ('pass' | 'fail')[]): PolicyStatus {
  if (verdicts.length === 0) return 'unknown';
  return verdicts.includes('fail') ? 'fail' : 'pass';
}

/**
 * `verified`: a signature verifies with a key (or identity) a policy names; `unsigned`: signatures
 * were looked up and there are none; `invalid`: there are some, none verifies; `unknown`: no policy
 * names a key, the image is not in a registry, or the lookup failed.
 */
export function combineSignatureChecks(checks: readonly SignatureCheck[]): SignatureStatus {
  const looked = checks.filter((c): c is Extract<SignatureCheck, { outcome: 'checked' }> => c.outcome === 'checked');
  if (looked.some((c) => c.facts.some((f) => f.verified))) return 'verified';
  if (looked.length === 0) return 'unknown';
  if (looked.every((c) => c.found === 0)) return checks.some((c) => c.outcome === 'error') ? 'unknown' : 'unsigned';
  return 'invalid';
}

/** Whether this verdict change deserves an alert: the image now fails and did not before (first scan, pass → fail). */
export function isNewFailure(previous: string, next: PolicyStatus): boolean {
  return next === 'fail' && previous !== 'fail';
}
