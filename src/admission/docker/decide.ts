import { evaluatePolicy, type ImagePolicyFacts, type PackageFacts, type Policy, type PolicyFacts, type RuleId, type SignatureFacts } from '../../policy/index.js';
import type { Finding, FindingKind } from '../../findings/index.js';
import { parseReference } from '../../image/index.js';
import type { AuthzRequest } from './protocol.js';
import { classifyCall, pullReference, type EngineCall } from './route.js';
import { readJsonBody } from './request-body.js';
import { containerSpec } from './container-spec.js';

/**
 * The gate's one decision, pure: an Engine API call plus what the adapters gathered (the policy, the
 * image's facts) in, allow or deny with the rule that decided out. Policy questions go through
 * `evaluatePolicy`, the same function `bulkhead policy check` and the server use; the rules here are
 * only the ones the policy file cannot express (unreadable bodies, daemon-level changes).
 */

/** Rule names of decisions the policy file does not make (policy rule ids are RuleId). */
export type GateRule = 'unreadable-body' | 'daemon-change' | 'undecidable' | 'not-gated' | 'policy';

export interface ImageEvidence {
  facts: ImagePolicyFacts;
  findings: Finding[];
  scanned: FindingKind[];
  packages?: PackageFacts[];
  signatures?: SignatureFacts[];
  absentBecause?: PolicyFacts['absentBecause'];
}

export interface DecisionContext {
  /** The policy, or why it could not be read (then nothing that changes state can be judged). */
  policy: Policy | { unavailable: string };
  now: Date;
  /** Users (as the Engine authenticated them, TLS client certificate CN) allowed daemon-level changes. */
  allowUsers: readonly string[];
  /** Allow, with a warning, where the gate cannot decide (explicit `--fail-open`). */
  failOpen: boolean;
  /** The create's image, gathered by the adapter (`imageToResolve`), or why it could not be. */
  image?: ImageEvidence | { error: string };
}

export interface Decision {
  allow: boolean;
  /** One line; the docker CLI prints it after "authorization denied by plugin bulkhead: ". */
  reason: string;
  rule: RuleId | GateRule;
  image?: string;
  digest?: string;
  /** Settings seen but judged by no rule of the policy (documented with the event). */
  unjudged?: string[];
  warnings?: string[];
}

/** Rules judged at a pull: only the image's name is known there. */
const PULL_RULES: readonly RuleId[] = ['trusted-registry', 'trusted-repository'];
/** Rules that can never be judged before a container starts. */
const NOT_AT_ADMISSION: readonly RuleId[] = ['container-age'];

/** The image a call needs resolved before `decide` (container create only), or undefined. */
export function imageToResolve(request: AuthzRequest): string | undefined {
  const call = classifyCall(request.RequestMethod ?? '', request.RequestURI ?? '');
  if (call.kind !== 'container-create') return undefined;
  const body = readJsonBody(request.RequestBody, request.RequestHeaders);
  return body.ok && typeof body.value.Image === 'string' && body.value.Image !== '' ? body.value.Image : undefined;
}

export function decide(request: AuthzRequest, context: DecisionContext): Decision {
  const call = classifyCall(request.RequestMethod ?? '', request.RequestURI ?? '');
  switch (call.kind) {
    case 'read':
      return allow('not-gated', 'read-only request');
    case 'other':
      return allow('not-gated', 'not a gated call');
    case 'exec':
      // the policy schema (docs/policy.md) has no interactive-access rule yet: say so rather than guess
      return allow('not-gated', `exec into ${call.container} allowed: the policy has no rule forbidding interactive access`);
    case 'daemon-change':
      return daemonChange(call, request, context);
    case 'image-pull':
      return pull(call, context);
    case 'container-create':
      return create(request, context);
  }
}

function daemonChange(call: Extract<EngineCall, { kind: 'daemon-change' }>, request: AuthzRequest, context: DecisionContext): Decision {
  const user = request.User ?? '';
  if (user !== '' && context.allowUsers.includes(user)) return allow('daemon-change', `${call.area} change by allowed user ${user}`);
  return deny('daemon-change', `denied by rule daemon-change: ${call.area} changes are reserved to allowed users (${user === '' ? 'the caller is not authenticated' : `user ${user} is not allowed`})`);
}

function pull(call: Extract<EngineCall, { kind: 'image-pull' }>, context: DecisionContext): Decision {
  if (call.fromSrc) return allow('not-gated', 'image import: containers from it are judged at create');
  const reference = pullReference(call);
  if (!reference) return undecidable(context, 'the pull names no image');
  if ('unavailable' in context.policy) return undecidable(context, context.policy.unavailable, reference);
  const facts = referenceFacts(reference);
  if (typeof facts === 'string') return undecidable(context, facts, reference);
  const result = evaluatePolicy(context.policy, { image: facts, findings: [] }, context.now);
  const failed = result.rules.filter((r) => PULL_RULES.includes(r.id) && r.verdict === 'fail');
  if (failed.length) return { ...deny(failed[0]!.id, policyReason(failed)), image: reference };
  return { ...allow('policy', `pull of ${reference} allowed`), image: reference };
}

function create(request: AuthzRequest, context: DecisionContext): Decision {
  const body = readJsonBody(request.RequestBody, request.RequestHeaders);
  // unreadable bodies are denied even in fail-open mode: that is an attack shape, not an outage
  if (!body.ok) return deny('unreadable-body', `denied by rule unreadable-body: ${body.reason}`);
  const spec = containerSpec(body.value);
  if (!spec.image) return deny('unreadable-body', 'denied by rule unreadable-body: the create request names no Image');
  const base = { image: spec.image, ...(spec.unjudged.length ? { unjudged: spec.unjudged } : {}) };
  if ('unavailable' in context.policy) return { ...undecidable(context, context.policy.unavailable, spec.image), ...base };
  const evidence = context.image;
  if (!evidence) return { ...undecidable(context, `the image ${spec.image} was not resolved`), ...base };
  if ('error' in evidence) return { ...undecidable(context, evidence.error), ...base };
  const digest = evidence.facts.digest;
  const withDigest = { ...base, ...(digest ? { digest } : {}) };

  const facts: PolicyFacts = {
    image: evidence.facts,
    findings: evidence.findings,
    scanned: evidence.scanned,
    deployment: spec.deployment,
    ...(evidence.packages ? { packages: evidence.packages } : {}),
    ...(evidence.signatures ? { signatures: evidence.signatures } : {}),
    ...(evidence.absentBecause ? { absentBecause: evidence.absentBecause } : {}),
  };
  const result = evaluatePolicy(context.policy, facts, context.now);
  const judged = result.rules.filter((r) => !NOT_AT_ADMISSION.includes(r.id));
  const failed = judged.filter((r) => r.verdict === 'fail');
  if (failed.length) return { ...deny(failed[0]!.id, policyReason(failed)), ...withDigest };
  // a configured rule the gate could not check is not a pass: fail-closed names it
  const skipped = judged.filter((r) => r.verdict === 'skipped');
  if (skipped.length) {
    const why = skipped.map((r) => `${r.id} (${r.evidence[0] ?? 'no facts'})`).join('; ');
    if (!context.failOpen) return { ...deny(skipped[0]!.id, `denied by policy rule ${skipped[0]!.id}: not checked, fail-closed: ${why}`), ...withDigest };
    return { ...allow('undecidable', `allowed (fail-open) though not checked: ${why}`), ...withDigest, warnings: [`fail-open: rules not checked: ${why}`] };
  }
  const excepted = judged.filter((r) => r.verdict === 'excepted').map((r) => r.id);
  return { ...allow('policy', `${spec.image} allowed: ${judged.length} rule(s) passed${excepted.length ? `, excepted: ${excepted.join(', ')}` : ''}`), ...withDigest, ...(result.warnings.length ? { warnings: result.warnings } : {}) };
}

/** `denied by policy rule privileged: the container runs privileged; policy rule docker-socket: ...` */
function policyReason(failed: { id: RuleId; evidence: string[] }[]): string {
  return 'denied by ' + failed.map((r) => `policy rule ${r.id}: ${r.evidence.slice(0, 5).join(', ')}`).join('; ');
}

/** Image facts from a reference alone (a pull): registry, repository, tag, digest. */
export function referenceFacts(reference: string): ImagePolicyFacts | string {
  try {
    const ref = parseReference(reference);
    if (ref.transport !== 'registry') return `${reference} is not a registry reference`;
    const facts: ImagePolicyFacts = { reference, registry: ref.registry, repository: ref.repository, labels: {} };
    if (ref.tag) facts.tag = ref.tag;
    if (ref.digest) facts.digest = ref.digest;
    return facts;
  } catch (e) {
    return `${reference} is not an image reference (${(e as Error).message})`;
  }
}

function undecidable(context: DecisionContext, why: string, image?: string): Decision {
  const at = image ? { image } : {};
  if (context.failOpen) return { ...allow('undecidable', `allowed (fail-open): cannot decide: ${why}`), ...at, warnings: [`fail-open: cannot decide: ${why}`] };
  return { ...deny('undecidable', `denied by rule undecidable (fail-closed): ${why}`), ...at };
}

function allow(rule: Decision['rule'], reason: string): Decision {
  return { allow: true, rule, reason };
}

function deny(rule: Decision['rule'], reason: string): Decision {
  return { allow: false, rule, reason };
}
