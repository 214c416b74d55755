import type { Finding, Severity } from '../../findings/types.js';
import { evaluatePolicy, type DeploymentFacts, type Policy, type PolicyFacts, type RuleId } from '../../policy/index.js';
import type { ContainerFact } from '../inventory/container-fact.js';
import { runtimeFinding } from '../inventory/runtime-finding.js';
import { RESPOND_CHECKS } from './checks.js';

/**
 * How a running container holds more privilege than the policy allows: the policy's own deployment
 * rules (privileged, host namespaces, Docker socket, capabilities, host paths, read-only root
 * filesystem, resource limits) and `image.nonRootUser`, judged by the one
 * policy evaluation every gate uses, over facts taken from `docker inspect`. Exceptions in the policy
 * apply as they do at admission. Pure.
 */

/** The policy setting behind each rule, named in the evidence. */
const SETTING: Partial<Record<RuleId, { setting: string; severity: Severity }>> = {
  privileged: { setting: 'deployment.forbidPrivileged', severity: 'critical' },
  'host-namespaces': { setting: 'deployment.forbidHostNamespaces', severity: 'high' },
  'docker-socket': { setting: 'deployment.forbidDockerSocket', severity: 'critical' },
  'non-root-user': { setting: 'image.nonRootUser', severity: 'high' },
  capabilities: { setting: 'deployment.forbidCapabilities / allowedCapabilities', severity: 'high' },
  'host-paths': { setting: 'deployment.forbidHostPaths', severity: 'high' },
  'read-only-rootfs': { setting: 'deployment.readOnlyRootFilesystem', severity: 'medium' },
  'resource-limits': { setting: 'deployment.requireLimits', severity: 'medium' },
};

export interface PrivilegeDriftOptions {
  /** The real uid of the container's first process, when the caller read it (/proc/PID/status). */
  uid?: number;
  now?: Date;
}

function deploymentFacts(fact: ContainerFact): DeploymentFacts {
  const ns = new Set(fact.hostNamespaces);
  return {
    name: fact.name,
    privileged: fact.privileged,
    hostPid: ns.has('pid'),
    hostIpc: ns.has('ipc'),
    hostNetwork: ns.has('network'),
    hostUts: ns.has('uts'),
    mounts: fact.mounts.filter((m) => m.hostPath && m.source !== undefined).map((m) => ({ source: m.source!, target: m.destination })),
    ...(fact.startedAt ? { startedAt: fact.startedAt } : {}),
    capAdd: fact.capAdd,
    readOnlyRootfs: fact.readOnlyRootfs,
    limits: {
      memory: fact.limits.memoryBytes !== undefined ? `${fact.limits.memoryBytes} bytes` : null,
      cpu: fact.limits.cpus !== undefined ? `${fact.limits.cpus} CPUs` : null,
      pids: fact.limits.pidsLimit !== undefined ? String(fact.limits.pidsLimit) : null,
    },
    // `docker inspect` security options are not part of the inventory fact: the unconfined-profile
    // and no-new-privileges rules are left out of the narrowed policy below
  };
}

/** The user the container's processes run as: `--user`, else the image's `USER`. */
function effectiveUser(fact: ContainerFact): string | undefined {
  if (fact.user !== '') return fact.user;
  return fact.imageUser;
}

export function privilegeDrift(fact: ContainerFact, policy: Policy, options: PrivilegeDriftOptions = {}): Finding[] {
  const user = effectiveUser(fact);
  const userName = (user ?? '').split(':')[0]?.trim() ?? '';
  // a named user other than root, without its uid, is not shown to be more privilege than allowed
  const userUnknown = options.uid === undefined && userName !== '' && userName !== 'root' && !/^\d+$/u.test(userName);
  const judgeUser = policy.image?.nonRootUser === true && user !== undefined && !userUnknown;
  // only the rules about privilege: age, signatures and content are other gates' business
  const narrowed: Policy = {
    version: 1,
    exceptions: policy.exceptions,
    ...(policy.deployment
      ? {
          deployment: {
            ...(policy.deployment.forbidPrivileged !== undefined ? { forbidPrivileged: policy.deployment.forbidPrivileged } : {}),
            ...(policy.deployment.forbidHostNamespaces !== undefined ? { forbidHostNamespaces: policy.deployment.forbidHostNamespaces } : {}),
            ...(policy.deployment.forbidDockerSocket !== undefined ? { forbidDockerSocket: policy.deployment.forbidDockerSocket } : {}),
            ...(policy.deployment.forbidCapabilities !== undefined ? { forbidCapabilities: policy.deployment.forbidCapabilities } : {}),
            ...(policy.deployment.allowedCapabilities !== undefined ? { allowedCapabilities: policy.deployment.allowedCapabilities } : {}),
            ...(policy.deployment.forbidHostPaths !== undefined ? { forbidHostPaths: policy.deployment.forbidHostPaths } : {}),
            ...(policy.deployment.readOnlyRootFilesystem !== undefined ? { readOnlyRootFilesystem: policy.deployment.readOnlyRootFilesystem } : {}),
            ...(policy.deployment.requireLimits !== undefined ? { requireLimits: policy.deployment.requireLimits } : {}),
          },
        }
      : {}),
    ...(judgeUser ? { image: { nonRootUser: true } } : {}),
  };
  const facts: PolicyFacts = {
    image: {
      reference: fact.image,
      labels: {},
      ...(fact.imageDigest?.includes('@') ? { digest: fact.imageDigest.split('@')[1]! } : {}),
      ...(judgeUser ? { user: user!, ...(options.uid !== undefined ? { uid: options.uid } : {}) } : {}),
    },
    findings: [],
    deployment: deploymentFacts(fact),
  };
  const result = evaluatePolicy(narrowed, facts, options.now ?? new Date());
  const out: Finding[] = [];
  for (const rule of result.rules) {
    if (rule.verdict !== 'fail') continue;
    const about = SETTING[rule.id];
    if (!about) continue;
    out.push(
      runtimeFinding(
        fact,
        RESPOND_CHECKS.privilegeDrift,
        `more privilege than the policy allows (${about.setting}): ${rule.evidence[0] ?? rule.title}`,
        { rule: rule.id, setting: about.setting, violations: rule.evidence.join('; ') },
        about.severity,
      ),
    );
  }
  return out;
}
