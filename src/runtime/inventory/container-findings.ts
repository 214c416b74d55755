import type { Finding, Severity } from '../../findings/types.js';
import type { SecretScanOptions } from '../../secrets/index.js';
import { DANGEROUS_CAPABILITIES, RUNTIME_CHECKS, isSensitiveHostPath, normalizeCapability } from './checks.js';
import { containerFact, type ContainerFact } from './container-fact.js';
import type { EngineContainerInspect, EngineImageInspect } from './engine-types.js';
import { runtimeFinding } from './runtime-finding.js';
import { secretFindings } from './secret-findings.js';

export interface ContainerCheckOptions {
  /** Rules and allow-lists for the secret checks (the image scanner's options). */
  secrets?: SecretScanOptions;
  /** Clock for `ageSeconds` (ms since the epoch). */
  now?: number;
}

interface UserSpec {
  user: string;
  group?: string;
}

function parseUser(spec: string): UserSpec {
  const [user = '', group] = spec.split(':', 2);
  return group !== undefined ? { user, group } : { user };
}

/** Root by name or UID; an empty user is the image default, which is root unless the image says otherwise. */
function isRootUser(user: string): boolean {
  return user === '' || user === '0' || user === 'root';
}

const PRIVILEGED_GROUPS = new Set(['0', 'root', 'docker', 'disk', 'shadow', 'adm', 'sudo', 'wheel', 'kmem']);

function userFindings(fact: ContainerFact): Finding[] {
  const out: Finding[] = [];
  const container = parseUser(fact.user);
  const evidence: Record<string, string> = { user: fact.user === '' ? '(image default)' : fact.user };
  if (fact.imageUser !== undefined) evidence['imageUser'] = fact.imageUser === '' ? '(none: root)' : fact.imageUser;
  // an empty user is the image's default: Docker copies the image's `User` when `--user` is not given
  if (fact.imageUser !== undefined && fact.user !== '' && fact.user !== fact.imageUser) {
    const image = parseUser(fact.imageUser);
    if (isRootUser(container.user) && !isRootUser(image.user)) {
      out.push(runtimeFinding(fact, RUNTIME_CHECKS.rootOverride, `runs as root although the image declares user ${fact.imageUser}`, evidence));
    } else if (!isRootUser(image.user) || (container.group !== undefined && container.group !== image.group)) {
      // root image → non-root user is hardening, not a finding; anything else runs as an identity the image was not built for
      const rootGroup = container.group !== undefined && PRIVILEGED_GROUPS.has(container.group);
      out.push(runtimeFinding(fact, RUNTIME_CHECKS.userOverride, `runs as ${fact.user}, not as the image's user ${fact.imageUser || 'root'}`, evidence, rootGroup ? 'medium' : RUNTIME_CHECKS.userOverride.severity));
    }
  }
  if (fact.groupAdd.length > 0) {
    const privileged = fact.groupAdd.filter((g) => PRIVILEGED_GROUPS.has(g));
    out.push(
      runtimeFinding(fact, RUNTIME_CHECKS.userOverride, `adds supplementary groups ${fact.groupAdd.join(', ')}`, { ...evidence, groupAdd: fact.groupAdd.join(',') }, privileged.length > 0 ? 'medium' : 'low'),
    );
  }
  if (isRootUser(container.user) && (fact.imageUser === undefined || isRootUser(parseUser(fact.imageUser).user)) && !fact.privileged) {
    out.push(runtimeFinding(fact, RUNTIME_CHECKS.runsAsRoot, 'runs as root', evidence));
  }
  return out;
}

const NAMESPACE_SEVERITY: Record<string, Severity> = { pid: 'high', network: 'high', ipc: 'medium', uts: 'low' };
const NAMESPACE_FLAG: Record<string, string> = { pid: '--pid', network: '--network', ipc: '--ipc', uts: '--uts' };

function hostFindings(fact: ContainerFact): Finding[] {
  const out: Finding[] = [];
  if (fact.privileged) out.push(runtimeFinding(fact, RUNTIME_CHECKS.privileged, 'runs privileged (all capabilities, all devices, no seccomp or AppArmor confinement)', { privileged: 'true' }));
  for (const m of fact.mounts) {
    if (!m.hostPath || m.source === undefined) continue;
    const evidence = { source: m.source, destination: m.destination, readOnly: String(m.readOnly) };
    if (m.engineSocket) {
      out.push(runtimeFinding(fact, RUNTIME_CHECKS.engineSocket, `mounts the container engine socket ${m.source} (control of the engine is control of the host)`, evidence));
    } else if (isSensitiveHostPath(m.source)) {
      out.push(runtimeFinding(fact, RUNTIME_CHECKS.hostPath, `mounts the host's ${m.source}${m.readOnly ? ' read-only' : ' writable'}`, evidence, m.readOnly ? 'medium' : 'high'));
    }
  }
  for (const ns of fact.hostNamespaces) {
    out.push(runtimeFinding(fact, RUNTIME_CHECKS.hostNamespace, `shares the host's ${ns} namespace (${NAMESPACE_FLAG[ns]} host)`, { namespace: ns }, NAMESPACE_SEVERITY[ns]));
  }
  // a privileged container holds every capability already: the finding above says it
  if (!fact.privileged) {
    const dropped = new Set(fact.capDrop.map(normalizeCapability));
    for (const raw of fact.capAdd) {
      const cap = normalizeCapability(raw);
      if (!DANGEROUS_CAPABILITIES.has(cap) || dropped.has(cap)) continue;
      out.push(runtimeFinding(fact, RUNTIME_CHECKS.capability, cap === 'ALL' ? 'adds all capabilities' : `adds capability CAP_${cap}`, { capability: cap }, cap === 'ALL' || cap === 'SYS_ADMIN' ? 'critical' : 'high'));
    }
  }
  return out;
}

function limitFindings(fact: ContainerFact): Finding[] {
  const out: Finding[] = [];
  if (fact.limits.memoryBytes === undefined) out.push(runtimeFinding(fact, RUNTIME_CHECKS.memoryLimit, 'has no memory limit', { limit: 'memory' }));
  if (fact.limits.cpus === undefined) out.push(runtimeFinding(fact, RUNTIME_CHECKS.cpuLimit, 'has no CPU limit', { limit: 'cpu', ...(fact.limits.cpusetCpus ? { cpusetCpus: fact.limits.cpusetCpus } : {}) }));
  if (fact.limits.pidsLimit === undefined) out.push(runtimeFinding(fact, RUNTIME_CHECKS.pidsLimit, 'has no process (pids) limit', { limit: 'pids' }));
  return out;
}

/**
 * The inventory entry and the findings for one container, from its inspect document and (when the
 * caller has it) its image's: pure, no I/O.
 */
export function inspectContainer(
  inspect: EngineContainerInspect,
  imageInspect?: EngineImageInspect,
  options: ContainerCheckOptions = {},
): { container: ContainerFact; findings: Finding[] } {
  const fact = containerFact(inspect, imageInspect, options.now);
  const findings = [...hostFindings(fact), ...userFindings(fact), ...limitFindings(fact), ...secretFindings(fact, inspect, imageInspect, options.secrets)];
  return { container: fact, findings };
}

export function containerFindings(inspect: EngineContainerInspect, imageInspect?: EngineImageInspect, options: ContainerCheckOptions = {}): Finding[] {
  return inspectContainer(inspect, imageInspect, options).findings;
}
