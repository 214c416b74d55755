import type { Severity } from '../../findings/types.js';
import { isObject } from './manifest-source.js';
import type { PodView } from './pod-template.js';
import { isTrustedImage, parseImageReference } from './image-reference.js';
import { containerScPath, containerSecurityContext, label, type Violation } from './pss-types.js';

/**
 * Workload hardening beyond the Pod Security Standards (ids BH-K8S-0xx), in the spirit of the NSA/CISA
 * Kubernetes Hardening Guide (2022, "Kubernetes Pod security" and "Network separation") and the
 * CIS Kubernetes Benchmark section 5.
 */
export interface HardeningRule {
  id: string;
  severity: Severity;
  title: string;
  remediation: string;
}

export interface HardeningOptions {
  /** Registries (or registry/path prefixes) images may come from; unset = not checked. */
  trustedRegistries?: string[];
}

export const K8S_RULES = {
  limits: { id: 'BH-K8S-001', severity: 'medium', title: 'Container has no CPU or memory limit', remediation: 'set resources.limits.cpu and resources.limits.memory' },
  readOnlyRoot: { id: 'BH-K8S-002', severity: 'low', title: 'Root file system is writable (readOnlyRootFilesystem is not true)', remediation: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes' },
  automount: { id: 'BH-K8S-003', severity: 'low', title: 'Service account token mounted automatically', remediation: 'set automountServiceAccountToken: false on the pod unless it calls the Kubernetes API' },
  digest: { id: 'BH-K8S-004', severity: 'low', title: 'Image not pinned by digest', remediation: 'refer to the image as name@sha256:<digest> so every node runs the same bytes' },
  untrusted: { id: 'BH-K8S-005', severity: 'high', title: 'Image from a registry outside the trusted list', remediation: 'pull the image from one of the trusted registries (mirror it there)' },
  latest: { id: 'BH-K8S-006', severity: 'medium', title: 'Image uses the latest tag or no tag', remediation: 'use a fixed version tag (and a digest)' },
  defaultDeny: { id: 'BH-K8S-007', severity: 'medium', title: 'Namespace has no default-deny NetworkPolicy', remediation: 'add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules, then allow what each app needs' },
  metadata: { id: 'BH-K8S-008', severity: 'high', title: 'Egress to the cloud metadata endpoint 169.254.169.254 is allowed', remediation: 'exclude 169.254.169.254/32 in the ipBlock.except of egress rules (or do not allow 0.0.0.0/0)' },
} as const satisfies Record<string, HardeningRule>;

export interface RuleViolation extends Violation {
  rule: HardeningRule;
}

/** Per-pod hardening checks; namespace-level NetworkPolicy checks live in network-policy-rules.ts. */
export function checkPodHardening(pod: PodView, options: HardeningOptions): RuleViolation[] {
  const out: RuleViolation[] = [];
  const push = (rule: HardeningRule, v: Violation) => out.push({ rule, ...v });
  if (pod.spec.automountServiceAccountToken !== false) {
    push(K8S_RULES.automount, { path: [...pod.specPath, 'automountServiceAccountToken'], detail: 'pod does not set automountServiceAccountToken=false' });
  }
  for (const c of pod.containers) {
    // ephemeral (debug) containers may set neither resources nor a read-only root by API validation
    if (c.list !== 'ephemeralContainers') {
      const limits = isObject(c.container.resources) && isObject(c.container.resources.limits) ? c.container.resources.limits : {};
      const missing = ['cpu', 'memory'].filter((r) => limits[r] === undefined || limits[r] === null);
      if (missing.length) push(K8S_RULES.limits, { path: [...c.path, 'resources', 'limits'], detail: `${label(c)} has no ${missing.join(' or ')} limit` });
      if (containerSecurityContext(c)?.readOnlyRootFilesystem !== true) {
        push(K8S_RULES.readOnlyRoot, { path: containerScPath(c, 'readOnlyRootFilesystem'), detail: `${label(c)} does not set readOnlyRootFilesystem=true` });
      }
    }
    const image = c.container.image;
    if (typeof image !== 'string' || image === '') continue;
    const parts = parseImageReference(image);
    const at = [...c.path, 'image'];
    if (!parts.digest) push(K8S_RULES.digest, { path: at, detail: `${label(c)} image ${image} has no digest` });
    if (!parts.digest && (parts.tag === undefined || parts.tag === 'latest')) {
      push(K8S_RULES.latest, { path: at, detail: `${label(c)} image ${image} ${parts.tag ? 'uses the latest tag' : 'has no tag (means latest)'}` });
    }
    if (options.trustedRegistries && !isTrustedImage(parts, options.trustedRegistries)) {
      push(K8S_RULES.untrusted, { path: at, detail: `${label(c)} image ${image} is from ${parts.registry}, not in ${options.trustedRegistries.join(', ')}` });
    }
  }
  return out;
}
