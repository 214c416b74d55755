import type { Finding, FindingTarget, Severity } from '../../findings/types.js';
import type { RuntimeCheck } from './checks.js';
import type { ContainerFact } from './container-fact.js';

/** The finding's target and the evidence every runtime finding carries. */
export function containerTarget(fact: ContainerFact): FindingTarget {
  return { container: fact.name, image: fact.image, ...(fact.imageDigest !== undefined ? { imageDigest: fact.imageDigest } : {}) };
}

export function runtimeFinding(fact: ContainerFact, check: RuntimeCheck, title: string, evidence: Record<string, string>, severity: Severity = check.severity): Finding {
  return {
    id: check.id,
    kind: 'runtime',
    severity,
    title: `Container ${fact.name}: ${title}`,
    target: containerTarget(fact),
    remediation: check.remediation,
    evidence: { containerId: fact.id, ...evidence },
  };
}
