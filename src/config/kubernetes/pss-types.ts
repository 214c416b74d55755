import type { Severity } from '../../findings/types.js';
import { isObject, type FieldPath } from './manifest-source.js';
import type { ContainerView, PodView } from './pod-template.js';

export type PssLevel = 'baseline' | 'restricted';

/** One offending field: where it is (path in the manifest object) and what is wrong with it. */
export interface Violation {
  path: FieldPath;
  detail: string;
}

/**
 * One control of the Pod Security Standards. `id` is the name the Kubernetes pod-security-admission
 * library gives the check (`capabilities_baseline`, `hostNamespaces`...), so findings line up with
 * what the admission controller reports and with its test fixtures.
 */
export interface PssControl {
  id: string;
  level: PssLevel;
  severity: Severity;
  title: string;
  remediation: string;
  check(pod: PodView): Violation[];
}

/** `spec.os.name: windows` exempts a pod from the Linux-only restricted controls (PSS "Restricted" notes). */
export function isWindowsPod(pod: PodView): boolean {
  const os = pod.spec.os;
  return isObject(os) && os.name === 'windows';
}

/**
 * `hostUsers: false` runs the pod in a user namespace, where root and /proc unmasking do not map to
 * host root; PSS v1.35 relaxes runAsNonRoot, runAsUser and baseline procMount for such pods (KEP-127).
 */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

export function podSecurityContext(pod: PodView): Record<string, unknown> | undefined {
  return isObject(pod.spec.securityContext) ? pod.spec.securityContext : undefined;
}

export function containerSecurityContext(c: ContainerView): Record<string, unknown> | undefined {
  return isObject(c.container.securityContext) ? c.container.securityContext : undefined;
}

export function podScPath(pod: PodView, ...rest: FieldPath): FieldPath {
  return [...pod.specPath, 'securityContext', ...rest];
}

export function containerScPath(c: ContainerView, ...rest: FieldPath): FieldPath {
  return [...c.path, 'securityContext', ...rest];
}

export function label(c: ContainerView): string {
  const kind = c.list === 'containers' ? 'container' : c.list === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${kind} "${c.name}"`;
}
