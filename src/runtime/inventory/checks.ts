/**
 * The runtime checks: ids, what they mean and what to do. Ids are stable (`BH-RT-nnn`); suppressions
 * and policies refer to them. The checks follow the CIS Docker Benchmark's "Container Runtime"
 * section (5.x) where it has one, cited per check.
 */
import type { Severity } from '../../findings/types.js';

export interface RuntimeCheck {
  id: string;
  severity: Severity;
  remediation: string;
}

export const RUNTIME_CHECKS = {
  /** CIS Docker 5.5: do not use privileged containers. */
  privileged: { id: 'BH-RT-001', severity: 'critical', remediation: 'run the container without --privileged; add only the capabilities and devices it needs' },
  /** CIS Docker 5.32: the Docker socket is not mounted inside any containers. */
  engineSocket: { id: 'BH-RT-002', severity: 'critical', remediation: 'do not mount the container engine socket; give the container a narrowly scoped API proxy if it must talk to the engine' },
  /** CIS Docker 5.9 (network), 5.16 (IPC), 5.15 (PID), 5.21 (UTS): host namespaces are not shared. */
  hostNamespace: { id: 'BH-RT-003', severity: 'high', remediation: 'run the container in its own namespaces (drop --pid/--ipc/--network/--uts host)' },
  /** CIS Docker 5.3: Linux kernel capabilities are restricted within containers. */
  capability: { id: 'BH-RT-004', severity: 'high', remediation: 'remove the capability from --cap-add; drop all capabilities and add back only what the process needs' },
  /** CIS Docker 5.6: sensitive host system directories are not mounted on containers. */
  hostPath: { id: 'BH-RT-005', severity: 'high', remediation: 'mount only the host folder the container needs, read-only where it can be, or use a volume' },
  /** The image was built to run as a non-root user and the container overrides it with root. */
  rootOverride: { id: 'BH-RT-006', severity: 'high', remediation: "drop --user root (or 0) so the container runs as the image's own user" },
  /** A user or group other than the one the image was built for. */
  userOverride: { id: 'BH-RT-007', severity: 'low', remediation: "run as the image's own user, or rebuild the image for the user it must run as; add no supplementary groups" },
  /** CIS Docker 4.1: a user for the container has been created. */
  runsAsRoot: { id: 'BH-RT-008', severity: 'low', remediation: 'run the container as a non-root user (--user, or USER in the Dockerfile)' },
  /** CIS Docker 5.10: memory usage for containers is limited. */
  memoryLimit: { id: 'BH-RT-009', severity: 'medium', remediation: 'set a memory limit (--memory)' },
  /** CIS Docker 5.11: CPU priority is set appropriately on containers. */
  cpuLimit: { id: 'BH-RT-010', severity: 'low', remediation: 'set a CPU limit (--cpus)' },
  /** CIS Docker 5.28: the PIDs cgroup limit is used. */
  pidsLimit: { id: 'BH-RT-011', severity: 'low', remediation: 'set a process limit (--pids-limit)' },
  /** Secrets handed to the container in plain environment variables. */
  secretEnv: { id: 'BH-RT-012', severity: 'high', remediation: 'pass the secret as a secret mount (docker secret, --mount type=secret, a read-only file) instead of an environment variable, and rotate it' },
  /** Secrets on the command line, readable by every process on the host through /proc. */
  secretArgs: { id: 'BH-RT-013', severity: 'high', remediation: 'pass the secret as a secret mount or file instead of a command argument, and rotate it' },
} as const satisfies Record<string, RuntimeCheck>;

/**
 * Capabilities that break the container boundary or reach the host's kernel, network or other
 * processes (capabilities(7)); Docker's default set leaves all of them out.
 */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'SYS_RESOURCE',
  'DAC_READ_SEARCH',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'BPF',
  'PERFMON',
  'SYSLOG',
  'LINUX_IMMUTABLE',
]);

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same capability to Docker. */
export function normalizeCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/u, '');
}

/** Host folders whose contents are the host itself: mounting them hands the host over. */
const SENSITIVE_TREES = ['/etc', '/root', '/proc', '/sys', '/dev', '/boot', '/var/lib/docker', '/var/lib/containerd', '/var/lib/kubelet', '/var/run', '/run'];
/** Folders that are sensitive mounted whole, not for everything under them. */
const SENSITIVE_EXACT = new Set(['/', '/var', '/home', '/usr', '/lib', '/lib64', '/bin', '/sbin', '/opt']);

export function isSensitiveHostPath(path: string): boolean {
  const p = path.length > 1 ? path.replace(/\/+$/u, '') : path;
  return SENSITIVE_EXACT.has(p) || SENSITIVE_TREES.some((tree) => p === tree || p.startsWith(`${tree}/`));
}
