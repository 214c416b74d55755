import { isObject, type Manifest } from './manifest-source.js';
import { namespaceOf, type PodView } from './pod-template.js';
import { K8S_RULES, type RuleViolation } from './hardening-rules.js';

/**
 * NetworkPolicy checks over all scanned manifests, per namespace (networking.k8s.io/v1 semantics:
 * policies are allow-lists; a pod selected by a policy of a type is isolated for that direction, and
 * traffic is allowed when any selecting policy allows it).
 */

export interface LocatedViolation extends RuleViolation {
  manifest: Manifest;
}

/** Metadata services of AWS, GCP, Azure, OpenStack answer on this address, port 80. */
const METADATA_IP = [169, 254, 169, 254] as const;
const METADATA_PORT = 80;

function policyTypes(spec: Record<string, unknown>): string[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.filter((t): t is string => typeof t === 'string');
  // unset: Ingress always, Egress when the policy has egress rules
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function selectsAllPods(spec: Record<string, unknown>): boolean {
  const sel = spec.podSelector;
  if (sel === undefined || sel === null) return true;
  if (!isObject(sel)) return false;
  const labels = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels) : [];
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  return labels.length === 0 && exprs.length === 0;
}

function isEmptyList(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/** A policy that selects every pod of its namespace, isolates ingress, and allows nothing in. */
function isDefaultDenyIngress(spec: Record<string, unknown>): boolean {
  return selectsAllPods(spec) && policyTypes(spec).includes('Ingress') && isEmptyList(spec.ingress);
}

export function checkNetworkPolicies(manifests: Manifest[], pods: PodView[]): LocatedViolation[] {
  const out: LocatedViolation[] = [];
  const policies = manifests.filter((m) => m.object.kind === 'NetworkPolicy' && isObject(m.object.spec));
  const byNamespace = new Map<string, Manifest[]>();
  for (const p of policies) byNamespace.set(namespaceOf(p), [...(byNamespace.get(namespaceOf(p)) ?? []), p]);

  // one finding per namespace that runs workloads, placed on its first workload
  const seen = new Set<string>();
  for (const pod of pods) {
    if (seen.has(pod.namespace)) continue;
    seen.add(pod.namespace);
    const ok = (byNamespace.get(pod.namespace) ?? []).some((p) => isDefaultDenyIngress(p.object.spec as Record<string, unknown>));
    if (!ok) {
      out.push({ manifest: pod.manifest, rule: K8S_RULES.defaultDeny, path: ['metadata', 'namespace'], detail: `namespace ${pod.namespace} has no NetworkPolicy that selects all pods and denies ingress by default` });
    }
  }

  for (const p of policies) {
    const spec = p.object.spec as Record<string, unknown>;
    if (!policyTypes(spec).includes('Egress') || !Array.isArray(spec.egress)) continue;
    spec.egress.forEach((rule, i) => {
      if (!isObject(rule) || !portsAllowMetadata(rule.ports)) return;
      const peers = rule.to;
      if (isEmptyList(peers)) {
        out.push({ manifest: p, rule: K8S_RULES.metadata, path: ['spec', 'egress', i], detail: `egress rule ${i} allows every destination, 169.254.169.254 included` });
        return;
      }
      (peers as unknown[]).forEach((peer, j) => {
        if (!isObject(peer) || !isObject(peer.ipBlock)) return;
        const cidr = peer.ipBlock.cidr;
        if (typeof cidr !== 'string' || !cidrContains(cidr, METADATA_IP)) return;
        const except = Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : [];
        if (except.some((e) => typeof e === 'string' && cidrContains(e, METADATA_IP))) return;
        out.push({ manifest: p, rule: K8S_RULES.metadata, path: ['spec', 'egress', i, 'to', j, 'ipBlock', 'cidr'], detail: `egress to ${cidr} does not except 169.254.169.254/32` });
      });
    });
  }
  return out;
}

/** Whether a rule's ports admit TCP port 80 (no ports = all ports; named ports name pod ports only). */
function portsAllowMetadata(ports: unknown): boolean {
  if (isEmptyList(ports)) return true;
  if (!Array.isArray(ports)) return false;
  return ports.some((p) => {
    if (!isObject(p)) return false;
    if (p.protocol !== undefined && p.protocol !== 'TCP') return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port !== 'number') return false;
    const end = typeof p.endPort === 'number' ? p.endPort : p.port;
    return p.port <= METADATA_PORT && METADATA_PORT <= end;
  });
}

/** IPv4 CIDR containment; IPv6 blocks never contain an IPv4 address here. */
export function cidrContains(cidr: string, ip: readonly number[]): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32 || octets.some((o) => o > 255)) return false;
  const toInt = (o: readonly number[]) => ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toInt(octets) & mask) >>> 0 === (toInt(ip) & mask) >>> 0;
}
