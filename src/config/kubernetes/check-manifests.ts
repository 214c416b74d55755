import type { Finding } from '../../findings/types.js';
import type { FieldPath, Manifest } from './manifest-source.js';
import { fieldText, podViewOf, resourceName, type PodView } from './pod-template.js';
import { checkPodHardening, type HardeningOptions, type HardeningRule } from './hardening-rules.js';
import { checkNetworkPolicies } from './network-policy-rules.js';
import { BASELINE_CONTROLS } from './pss-baseline.js';
import { RESTRICTED_CONTROLS } from './pss-restricted.js';
import type { PssControl, PssLevel } from './pss-types.js';

export interface ManifestCheckOptions extends HardeningOptions {
  /** Pod Security Standards level; restricted includes baseline. Default restricted. */
  pss?: PssLevel;
}

/** Finding ids of the PSS controls: `PSS-<control>` with the control named as the admission library names it. */
export const PSS_ID_PREFIX = 'PSS-';

export function pssControls(level: PssLevel): PssControl[] {
  return level === 'baseline' ? BASELINE_CONTROLS : [...BASELINE_CONTROLS, ...RESTRICTED_CONTROLS];
}

/** Every finding for a set of manifests (all files of one scan, so NetworkPolicies apply across files). */
export function checkManifests(manifests: Manifest[], options: ManifestCheckOptions = {}): Finding[] {
  const controls = pssControls(options.pss ?? 'restricted');
  const findings: Finding[] = [];
  const pods: PodView[] = [];
  for (const manifest of manifests) {
    const pod = podViewOf(manifest);
    if (!pod) continue;
    pods.push(pod);
    for (const control of controls) {
      for (const v of control.check(pod)) {
        findings.push(
          finding(manifest, v.path, {
            id: `${PSS_ID_PREFIX}${control.id}`,
            severity: control.severity,
            title: control.title,
            remediation: control.remediation,
            detail: v.detail,
            extra: { control: control.id, level: control.level, standard: 'Kubernetes Pod Security Standards' },
          }),
        );
      }
    }
    for (const v of checkPodHardening(pod, options)) findings.push(finding(manifest, v.path, ruleFields(v.rule, v.detail)));
  }
  for (const v of checkNetworkPolicies(manifests, pods)) findings.push(finding(v.manifest, v.path, ruleFields(v.rule, v.detail)));
  return findings;
}

function ruleFields(rule: HardeningRule, detail: string) {
  return { id: rule.id, severity: rule.severity, title: rule.title, remediation: rule.remediation, detail, extra: {} };
}

interface FindingFields {
  id: string;
  severity: Finding['severity'];
  title: string;
  remediation: string;
  detail: string;
  extra: Record<string, string>;
}

function finding(manifest: Manifest, path: FieldPath, f: FindingFields): Finding {
  const pos = manifest.locate(path);
  return {
    id: f.id,
    kind: 'misconfiguration',
    severity: f.severity,
    title: f.title,
    description: `${resourceName(manifest)}: ${f.detail}`,
    target: { path: manifest.file, line: pos.line, column: pos.column },
    remediation: f.remediation,
    evidence: {
      line: String(pos.line),
      column: String(pos.column),
      resource: resourceName(manifest),
      field: fieldText(path),
      detail: f.detail,
      ...(manifest.helmSource ? { helmSource: manifest.helmSource } : {}),
      ...f.extra,
    },
  };
}
