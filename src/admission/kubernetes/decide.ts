import type { Manifest, PssLevel } from '../../config/index.js';
import type { Policy, PolicyFacts, RuleId } from '../../policy/index.js';
import { MAX_WARNING_CHARS, type AdmissionRequest, type AdmissionResponse } from './admission-review.js';
import type { ImageResolver, ResolvedImage } from './image-facts.js';
import { podWorkloadOf, type WorkloadContainer } from './pod-workload.js';

export interface AdmissionSettings {
  policy: Policy;
  /** Pod Security Standards level to enforce (absent: none). */
  pss?: PssLevel;
  /**
   * Rules reported as warnings instead of denials: policy rule ids (`signature`), PSS control
   * findings (`PSS-runAsNonRoot`), `pss` for every PSS control, `image-resolution`, or `*`.
   */
  warnOnly?: ReadonlySet<string>;
}

export interface AdmissionDecision {
  response: AdmissionResponse;
  /** JSON Patch operations for `/mutate` (empty when nothing is pinned or the request is denied). */
  patch: { op: 'replace'; path: string; value: string }[];
}

/** A problem found: the rule it breaks, and one line naming the container and the reason. */
interface Issue {
  rule: string;
  text: string;
}

/**
 * Rules that need a running container: skipped at admission by nature, not for lack of facts
 * (`container-age` is the runtime agent's).
 */
const RUNTIME_ONLY: ReadonlySet<RuleId> = new Set(['container-age']);

/**
 * Sockets of the other container runtimes: the policy's docker-socket rule knows Docker's; a pod
 * mounting containerd's or CRI-O's socket controls the node the same way (CIS Kubernetes 5.2.x).
 */
const RUNTIME_SOCKETS = [/(^|\/)containerd\.sock$/u, /(^|\/)crio\.sock$/u, /^\/run\/containerd\/?$/u, /^\/var\/run\/containerd\/?$/u, /^\/var\/run\/crio\/?$/u, /^\/run\/crio\/?$/u];

/**
 * The decision for one admission request: every container's image judged by the one policy
 * evaluation with the pod's security settings as deployment facts, plus the Pod Security
 * Standards. Fail-closed: an image that cannot be looked up, or a policy rule that could not be
 * checked for lack of facts, denies unless the rule is in warn mode.
 */
export async function decideAdmission(request: AdmissionRequest, settings: AdmissionSettings, resolve: ImageResolver, now: Date): Promise<AdmissionDecision> {
  const allow = (warnings: string[] = []): AdmissionDecision => ({ response: { uid: request.uid, allowed: true, ...(warnings.length ? { warnings } : {}) }, patch: [] });
  // DELETE and CONNECT carry no pod to judge; status and other subresources change no pod spec
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return allow();
  if (request.subResource && request.subResource !== 'ephemeralcontainers') return allow();
  const object = request.object;
  if (!object) return allow();
  const workload = podWorkloadOf(request.kind.kind, object, request.namespace);
  if (!workload) return allow();
  await loadDecisionModules();

  const issues: Issue[] = [];
  const patch: AdmissionDecision['patch'] = [];
  const resolved = await Promise.all(workload.containers.map((c) => (c.image ? resolve(c.image).then((r) => ({ ok: r }), (e: unknown) => ({ error: e })) : Promise.resolve({ error: new Error('no image given') }))));
  workload.containers.forEach((container, i) => {
    const r = resolved[i]!;
    if ('error' in r) {
      issues.push({ rule: 'image-resolution', text: `${container.label}: image ${container.image || '(none)'} cannot be looked up: ${firstLine(r.error)}` });
      return;
    }
    const failed = judgeContainer(container, r.ok, settings.policy, now, issues);
    if (!failed && !container.image.includes('@')) patch.push({ op: 'replace', path: container.imagePointer, value: `${r.ok.repository}${r.ok.facts.image.tag ? ':' + r.ok.facts.image.tag : ''}@${r.ok.digest}` });
  });
  if (settings.pss) issues.push(...(await pssIssues(request, object, settings.pss)));

  const warnOnly = settings.warnOnly ?? new Set<string>();
  const inWarnMode = (rule: string) => warnOnly.has('*') || warnOnly.has(rule) || (rule.startsWith('PSS-') && warnOnly.has('pss'));
  const denials = issues.filter((x) => !inWarnMode(x.rule));
  const warnings = issues.filter((x) => inWarnMode(x.rule)).map((x) => clip(`${x.rule}: ${x.text}`));
  if (denials.length === 0) return { ...allow(warnings), patch };
  const message = `${workload.resource} denied by bulkhead: ${denials.map((d) => `[${d.rule}] ${d.text}`).join('; ')}`;
  return { response: { uid: request.uid, allowed: false, status: { code: 403, message }, ...(warnings.length ? { warnings } : {}) }, patch: [] };
}

/** Evaluates one container; pushes its issues and returns whether any rule failed (a failed image is never pinned). */
function judgeContainer(container: WorkloadContainer, image: ResolvedImage, policy: Policy, now: Date, issues: Issue[]): boolean {
  // runAsUser and runAsNonRoot reach the non-root-user rule as deployment facts (pod-workload.ts)
  const facts: PolicyFacts = { ...image.facts, deployment: container.deployment };
  let failed = false;
  for (const rule of evaluate(policy, facts, now).rules) {
    if (rule.verdict === 'fail') {
      failed = true;
      issues.push({ rule: rule.id, text: `${container.label} (${container.image}): ${rule.evidence[0] ?? rule.title}` });
    } else if (rule.verdict === 'skipped' && !RUNTIME_ONLY.has(rule.id)) {
      failed = true;
      issues.push({ rule: rule.id, text: `${container.label} (${container.image}): not checked: ${rule.evidence[0] ?? 'no facts'}` });
    }
  }
  if (policy.deployment?.forbidDockerSocket) {
    for (const m of container.deployment.mounts ?? []) {
      if (RUNTIME_SOCKETS.some((re) => re.test(m.source.replace(/\/+$/u, '') || '/'))) {
        failed = true;
        issues.push({ rule: 'docker-socket', text: `${container.label} mounts the container runtime socket ${m.source} at ${m.target}` });
      }
    }
  }
  return failed;
}

// set by the first call: evaluatePolicy is imported once, lazily, like every capability
let evaluate: typeof import('../../policy/index.js').evaluatePolicy;
let checkManifests: typeof import('../../config/index.js').checkManifests;

/** Loads the policy and config modules (the server calls it at start so no request pays for it). */
export async function loadDecisionModules(): Promise<void> {
  evaluate ??= (await import('../../policy/index.js')).evaluatePolicy;
  checkManifests ??= (await import('../../config/index.js')).checkManifests;
}

/** The PSS findings of the config scanner for the admitted object: the same controls `bulkhead config` checks. */
async function pssIssues(request: AdmissionRequest, object: Record<string, unknown>, level: PssLevel): Promise<Issue[]> {
  await loadDecisionModules();
  const withNamespace = request.namespace && !hasNamespace(object) ? { ...object, metadata: { ...(object.metadata as object), namespace: request.namespace } } : object;
  // no file behind an admitted object: positions are meaningless, fields are named in the detail
  const manifest: Manifest = { file: 'admission-request', object: withNamespace, documentIndex: 0, locate: () => ({ line: 0, column: 0 }) };
  return checkManifests([manifest], { pss: level })
    .filter((f) => f.id.startsWith('PSS-'))
    .map((f) => ({ rule: f.id, text: `${f.evidence?.detail ?? f.title} (${f.evidence?.level ?? level}: ${f.title})` }));
}

function hasNamespace(object: Record<string, unknown>): boolean {
  const m = object.metadata;
  return typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>).namespace === 'string';
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

function clip(s: string): string {
  return s.length <= MAX_WARNING_CHARS ? s : s.slice(0, MAX_WARNING_CHARS - 1) + '…';
}
