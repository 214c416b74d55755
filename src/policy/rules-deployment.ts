import { checked, skipped, type Rule, type Violation } from './rule.js';
import { formatDuration, parseDuration } from './duration.js';
import { HOST_NAMESPACES, type HostNamespace } from './schema.js';
import type { DeploymentFacts, PolicyFacts } from './types.js';

/**
 * Rules over how the container is run: facts an admission gate (Docker authorization plugin,
 * Kubernetes webhook) or the runtime agent has, a CI scan does not. CIS Docker Benchmark 5.4
 * (privileged), 5.9/5.15/5.16/5.20 (host network, PID, IPC, UTS namespaces), 5.31 (Docker socket).
 * Inside a deployment, an absent flag is the runtime's default (off).
 */

function deploymentOf(facts: PolicyFacts): DeploymentFacts | string {
  return facts.deployment ?? facts.absentBecause?.deployment ?? 'deployment facts not provided (judged at admission or runtime)';
}

function who(d: DeploymentFacts): string {
  return d.name ? `container ${d.name}` : 'the container';
}

export const privileged: Rule = {
  id: 'privileged',
  applies: (p) => p.deployment?.forbidPrivileged === true,
  check(_policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    return d.privileged ? checked([{ text: `${who(d)} runs privileged`, keys: [] }]) : checked([], [`${who(d)} is not privileged`]);
  },
};

const NAMESPACE_FLAG: Record<HostNamespace, keyof DeploymentFacts> = { pid: 'hostPid', ipc: 'hostIpc', net: 'hostNetwork', uts: 'hostUts' };

export const hostNamespaces: Rule = {
  id: 'host-namespaces',
  applies: (p) => p.deployment?.forbidHostNamespaces !== undefined && p.deployment.forbidHostNamespaces !== false,
  check(policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    const setting = policy.deployment!.forbidHostNamespaces!;
    const forbidden = setting === true ? [...HOST_NAMESPACES] : (setting as HostNamespace[]);
    const violations: Violation[] = forbidden.filter((ns) => d[NAMESPACE_FLAG[ns]] === true).map((ns) => ({ text: `${who(d)} shares the host ${ns} namespace`, keys: [ns] }));
    return checked(violations, [`host namespaces checked: ${forbidden.join(', ')}`]);
  },
};

const SOCKET_PATHS = ['/var/run/docker.sock', '/run/docker.sock'];

/** Whether mounting `source` exposes the Docker socket: the socket itself, or a folder above it. */
function exposesSocket(source: string): boolean {
  const path = source.replace(/\/+$/u, '') || '/';
  if (path.endsWith('/docker.sock') || path === 'docker.sock') return true;
  return SOCKET_PATHS.some((s) => path === '/' || s.startsWith(path + '/'));
}

export const dockerSocket: Rule = {
  id: 'docker-socket',
  applies: (p) => p.deployment?.forbidDockerSocket === true,
  check(_policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    const mounts = d.mounts ?? [];
    const violations = mounts
      .filter((m) => exposesSocket(m.source))
      .map((m) => ({ text: `${who(d)} mounts ${m.source} at ${m.target}${m.source.endsWith('docker.sock') ? '' : ' (which holds the Docker socket)'}`, keys: [m.source] }));
    return checked(violations, [`${mounts.length} mounts checked`]);
  },
};

export const containerAge: Rule = {
  id: 'container-age',
  applies: (p) => p.deployment?.maxContainerAge !== undefined,
  check(policy, facts, now) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    if (d.startedAt === undefined) return skipped(`${who(d)} has not started`);
    const started = Date.parse(d.startedAt);
    if (Number.isNaN(started)) return skipped(`start time "${d.startedAt}" is not a date`);
    const ttl = parseDuration(policy.deployment!.maxContainerAge!)!;
    const age = now.getTime() - started;
    const line = `${who(d)} started ${d.startedAt} (${formatDuration(age)} ago; time to live ${policy.deployment!.maxContainerAge})`;
    return age > ttl ? checked([{ text: line, keys: [] }]) : checked([], [line]);
  },
};
