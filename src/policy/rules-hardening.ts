import { checked, skipped, type Rule, type RuleOutcome, type Violation } from './rule.js';
import { globToRegExp } from '../findings/index.js';
import { capabilityName, LIMIT_KINDS, type LimitKind } from './schema.js';
import type { DeploymentFacts, PolicyFacts } from './types.js';

/**
 * Hardening rules over how the container is run, beyond privileged/namespaces/socket
 * (rules-deployment.ts): what an admission gate reads off a create request or a pod spec. Each cites
 * the CIS Docker Benchmark v1.6 section 5 check and the Kubernetes Pod Security Standards control it
 * follows. The facts they need are "absent = not known here": the rule is skipped, naming why.
 */

type Field = keyof NonNullable<DeploymentFacts['absentBecause']>;

function deploymentOf(facts: PolicyFacts): DeploymentFacts | string {
  return facts.deployment ?? facts.absentBecause?.deployment ?? 'deployment facts not provided (judged at admission or runtime)';
}

function who(d: DeploymentFacts): string {
  return d.name ? `container ${d.name}` : 'the container';
}

function unknown(d: DeploymentFacts, field: Field, what: string): RuleOutcome {
  return skipped(d.absentBecause?.[field] ?? `${what} is not known here`);
}

/**
 * CIS Docker 5.3 "Ensure that Linux kernel capabilities are restricted within containers"; PSS
 * baseline "Capabilities" (only a short default list may be added). Judges what is added beyond the
 * runtime's default set; a privileged container holds every capability (CIS 5.4), counted as `ALL`.
 */
export const capabilities: Rule = {
  id: 'capabilities',
  applies: (p) => p.deployment?.forbidCapabilities !== undefined || p.deployment?.allowedCapabilities !== undefined,
  check(policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    if (d.capAdd === undefined && d.privileged !== true) return unknown(d, 'capAdd', 'the added capabilities');
    const added = [...new Set([...(d.capAdd ?? []).map(capabilityName), ...(d.privileged === true ? ['ALL'] : [])])];
    const forbid = policy.deployment!.forbidCapabilities;
    const violations: Violation[] = [];
    for (const cap of added) {
      const via = cap === 'ALL' && d.privileged === true && !(d.capAdd ?? []).map(capabilityName).includes('ALL') ? ' (privileged)' : '';
      let bad: boolean;
      if (forbid !== undefined) {
        // adding ALL adds every forbidden one; forbidding ALL forbids every addition
        bad = forbid.includes('ALL') || cap === 'ALL' || forbid.includes(cap as (typeof forbid)[number]);
      } else {
        const allowed = policy.deployment!.allowedCapabilities!;
        bad = !allowed.includes('ALL') && !allowed.includes(cap as (typeof allowed)[number]);
      }
      if (bad) violations.push({ text: `${who(d)} adds capability ${cap}${via}`, keys: [cap] });
    }
    const rule = forbid !== undefined ? `forbidden: ${forbid.join(', ')}` : `allowed: ${policy.deployment!.allowedCapabilities!.join(', ') || 'none'}`;
    return checked(violations, [`added capabilities: ${added.join(', ') || 'none'} (${rule})`]);
  },
};

/**
 * CIS Docker 5.5 "Ensure sensitive host system directories are not mounted on containers"; PSS
 * baseline "HostPath Volumes". A literal entry forbids that path, everything below it (/etc covers
 * /etc/shadow) and the folders above it (mounting /var exposes /var/run); `/` forbids the root
 * itself only. A glob entry matches the host path as written (`/home/**`).
 */
export const hostPaths: Rule = {
  id: 'host-paths',
  applies: (p) => p.deployment?.forbidHostPaths !== undefined,
  check(policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    const entries = policy.deployment!.forbidHostPaths!;
    // as for the docker-socket rule, a deployment without `mounts` mounts nothing from the host
    const mounts = d.mounts ?? [];
    const violations: Violation[] = [];
    for (const m of mounts) {
      const path = normalisePath(m.source);
      const hit = entries.find((e) => matchesHostPath(path, e));
      if (hit) violations.push({ text: `${who(d)} mounts host path ${m.source} at ${m.target || '(unknown target)'} (forbidden: ${hit})`, keys: [m.source] });
    }
    return checked(violations, [`${mounts.length} host mounts checked against ${entries.join(', ')}`]);
  },
};

function normalisePath(p: string): string {
  const collapsed = p.replace(/\/+/gu, '/').replace(/\/$/u, '');
  return collapsed === '' ? '/' : collapsed;
}

function matchesHostPath(path: string, entry: string): boolean {
  if (isLiteral(entry)) {
    const literal = normalisePath(entry);
    // `/` holds every path: it forbids mounting the root itself, not everything below it
    if (literal === '/') return path === '/';
    return path === literal || isAbove(path, literal) || isAbove(literal, path);
  }
  return path !== '/' && globToRegExp(entry).test(path.slice(1));
}

function isLiteral(glob: string): boolean {
  return !/[*?[{\\]/u.test(glob);
}

/** `/var` is above `/var/run`; `/` is above everything. */
function isAbove(folder: string, path: string): boolean {
  return folder === '/' || path.startsWith(folder + '/');
}

/** CIS Docker 5.12 "Ensure that the container's root filesystem is mounted as read only". */
export const readOnlyRootfs: Rule = {
  id: 'read-only-rootfs',
  applies: (p) => p.deployment?.readOnlyRootFilesystem === true,
  check(_policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    if (d.readOnlyRootfs === undefined) return unknown(d, 'readOnlyRootfs', 'whether the root filesystem is read-only');
    return d.readOnlyRootfs ? checked([], [`${who(d)} has a read-only root filesystem`]) : checked([{ text: `${who(d)} has a writable root filesystem`, keys: [] }]);
  },
};

const LIMIT_CIS: Record<LimitKind, string> = { memory: 'CIS 5.10', cpu: 'CIS 5.11', pids: 'CIS 5.29' };

/**
 * CIS Docker 5.10 (memory), 5.11 (CPU), 5.29 (PIDs cgroup limit). A kind whose limit is not known
 * skips the rule only when no other required kind already fails it.
 */
export const resourceLimits: Rule = {
  id: 'resource-limits',
  applies: (p) => p.deployment?.requireLimits !== undefined,
  check(policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    const required = LIMIT_KINDS.filter((k) => policy.deployment!.requireLimits!.includes(k));
    const violations: Violation[] = [];
    const notes: string[] = [];
    const unknowns: string[] = [];
    for (const kind of required) {
      const value = d.limits?.[kind];
      if (value === undefined) unknowns.push(d.absentBecause?.[kind] ?? `the ${kind} limit is not known here`);
      else if (value === null) violations.push({ text: `${who(d)} sets no ${kind} limit (${LIMIT_CIS[kind]})`, keys: [kind] });
      else notes.push(`${kind} limit ${value}`);
    }
    if (violations.length === 0 && unknowns.length > 0) return skipped(unknowns.join('; '));
    return checked(violations, [...notes, ...unknowns.map((u) => `not checked: ${u}`)]);
  },
};

/**
 * CIS Docker 5.1 (AppArmor) and 5.21 (seccomp: "Ensure the default seccomp profile is not disabled");
 * PSS baseline "AppArmor" and restricted "Seccomp" (Unconfined is not allowed).
 */
export const unconfinedProfile: Rule = {
  id: 'unconfined-profile',
  applies: (p) => p.deployment?.forbidUnconfined === true,
  check(_policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    const violations: Violation[] = [];
    const unknowns: string[] = [];
    for (const [field, name] of [
      ['seccompUnconfined', 'seccomp'],
      ['apparmorUnconfined', 'AppArmor'],
    ] as const) {
      // Docker and the CRI runtimes run a privileged container without seccomp and AppArmor profiles
      const value = d.privileged === true ? true : d[field];
      if (value === undefined) unknowns.push(d.absentBecause?.[field] ?? `the ${name} profile is not known here`);
      else if (value) violations.push({ text: `${who(d)} runs with ${name} unconfined${d[field] !== true ? ' (privileged)' : ''}`, keys: [name.toLowerCase()] });
    }
    if (violations.length === 0 && unknowns.length > 0) return skipped(unknowns.join('; '));
    return checked(violations, violations.length ? unknowns.map((u) => `not checked: ${u}`) : [`${who(d)} is confined by seccomp and AppArmor`]);
  },
};

/** CIS Docker 5.26 "Ensure that the container is restricted from acquiring additional privileges"; PSS restricted "Privilege Escalation". */
export const noNewPrivileges: Rule = {
  id: 'no-new-privileges',
  applies: (p) => p.deployment?.requireNoNewPrivileges === true,
  check(_policy, facts) {
    const d = deploymentOf(facts);
    if (typeof d === 'string') return skipped(d);
    if (d.noNewPrivileges === undefined) return unknown(d, 'noNewPrivileges', 'whether no-new-privileges is set');
    return d.noNewPrivileges
      ? checked([], [`${who(d)} runs with no-new-privileges`])
      : checked([{ text: `${who(d)} may gain new privileges (no-new-privileges not set; allowPrivilegeEscalation not false)`, keys: [] }]);
  },
};
