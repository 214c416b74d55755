/**
 * CIS Docker Benchmark v1.6.0, section 1: host configuration, the parts a program can see: a separate
 * partition for Docker's data (1.1.1) and audit rules for Docker's files (1.1.3-1.1.18), read from
 * `auditctl -l` when auditd's tools are installed, else from /etc/audit/audit.rules.
 */
import { manualJudge, type Judge } from '../judges.js';
import type { CheckDefinition, HostFacts } from '../types.js';

/** Paths 1.1.3-1.1.18 want audit rules for, in the benchmark's order. */
export const AUDITED_PATHS: Array<[string, string]> = [
  ['1.1.3', '/usr/bin/dockerd'],
  ['1.1.4', '/run/containerd'],
  ['1.1.5', '/var/lib/docker'],
  ['1.1.6', '/etc/docker'],
  ['1.1.7', 'docker.service'],
  ['1.1.8', '/run/containerd/containerd.sock'],
  ['1.1.9', 'docker.socket'],
  ['1.1.10', '/etc/default/docker'],
  ['1.1.11', '/etc/docker/daemon.json'],
  ['1.1.12', '/etc/containerd/config.toml'],
  ['1.1.13', '/etc/sysconfig/docker'],
  ['1.1.14', '/usr/bin/containerd'],
  ['1.1.15', '/usr/bin/containerd-shim'],
  ['1.1.16', '/usr/bin/containerd-shim-runc-v1'],
  ['1.1.17', '/usr/bin/containerd-shim-runc-v2'],
  ['1.1.18', '/usr/bin/runc'],
];

/** A unit name resolves to its file; other entries are paths. */
export function auditPath(facts: Pick<HostFacts, 'units'>, target: string): string | undefined {
  return target.startsWith('/') ? target : facts.units[target];
}

function auditJudge(target: string): Judge {
  return (f) => {
    const path = auditPath(f, target);
    // the daemon binary is checked even when it lives elsewhere; other paths only when present
    if (path === undefined || (target !== '/usr/bin/dockerd' && !f.files[path])) return { verdict: 'info', evidence: `${path ?? target} not found` };
    const rules = f.auditRules ?? '';
    const rule = rules.split('\n').find((l) => l.includes(path) && !/^\s*[#;]/u.test(l));
    return { verdict: rule ? 'pass' : 'warn', evidence: rule ? `audit rule: ${rule.trim()}` : `no audit rule for ${path}` };
  };
}

export const SECTION_1: CheckDefinition[] = [
  {
    id: '1.1.1', title: 'Ensure a separate partition for containers has been created', level: 2, automated: true, severity: 'low',
    reads: 'docker info: DockerRootDir, /proc/self/mounts', remediation: "put Docker's data root (/var/lib/docker) on its own partition or logical volume",
    judge: (f) => {
      const root = f.dockerRootDir ?? '/var/lib/docker';
      const mounted = f.mountPoints.includes(root);
      return { verdict: mounted ? 'pass' : 'warn', evidence: `${root} ${mounted ? 'is' : 'is not'} a mount point` };
    },
  },
  { id: '1.1.2', title: 'Ensure only trusted users are allowed to control Docker daemon', level: 1, automated: false, severity: 'medium', reads: 'members of the docker group', remediation: 'remove untrusted users from the docker group', judge: manualJudge },
  ...AUDITED_PATHS.map(([id, target]): CheckDefinition => ({
    id, title: `Ensure auditing is configured for ${target}`, level: id === '1.1.3' ? 1 : 2, automated: true, severity: 'low',
    reads: 'auditctl -l (or /etc/audit/audit.rules)', remediation: `add "-w ${target.startsWith('/') ? target : `/lib/systemd/system/${target}`} -k docker" to /etc/audit/rules.d/docker.rules and reload auditd`,
    judge: auditJudge(target),
  })),
  { id: '1.2.1', title: 'Ensure the container host has been Hardened', level: 2, automated: false, severity: 'low', reads: 'the host', remediation: 'harden the host (CIS benchmark for its distribution)', judge: manualJudge },
  { id: '1.2.2', title: 'Ensure that the version of Docker is up to date', level: 1, automated: false, severity: 'low', reads: 'docker version', remediation: 'keep Docker on a supported release', judge: manualJudge },
];
