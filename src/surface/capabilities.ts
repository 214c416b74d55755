import type { CapabilityAdvice } from './types.js';

/**
 * Docker's default capability set for containers (moby `oci/caps/defaults.go`, DefaultCapabilities;
 * the same fourteen as containerd's and the Kubernetes default on Docker/containerd nodes).
 */
export const DOCKER_DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
] as const;

/** `CAP_NET_BIND_SERVICE` → `NET_BIND_SERVICE`: how `docker run --cap-add` and Kubernetes name them. */
const short = (cap: string) => cap.replace(/^CAP_/, '');

/**
 * The smallest capability grant covering what was exercised. `setuidRun` names setuid/setgid
 * programs that ran: `allowPrivilegeEscalation: false` (no_new_privs) would stop them gaining
 * privileges, so it is advised only when none ran.
 */
export function capabilityAdvice(
  exercisedCounts: Record<string, number>,
  recorded: boolean,
  setuidRun: string[],
): CapabilityAdvice {
  const exercised = Object.keys(exercisedCounts).filter((c) => (exercisedCounts[c] ?? 0) > 0).sort();
  const defaults = new Set<string>(DOCKER_DEFAULT_CAPABILITIES);
  const notes: string[] = [];
  if (!recorded) {
    notes.push('capability checks were not recorded (the agent ran without its cap_capable probe): no capability advice');
    return { recorded, exercised, beyondDefault: [], unusedDefault: [], dockerFlags: [], kubernetes: '', notes };
  }
  const beyondDefault = exercised.filter((c) => !defaults.has(c));
  if (beyondDefault.length > 0) notes.push(`exercised beyond Docker's default set (the container was given them): ${beyondDefault.map(short).join(', ')}`);
  const unusedDefault = DOCKER_DEFAULT_CAPABILITIES.filter((c) => !exercised.includes(c));
  const dockerFlags = ['--cap-drop ALL', ...exercised.map((c) => `--cap-add ${short(c)}`)];
  const escalation = setuidRun.length === 0;
  if (escalation) dockerFlags.push('--security-opt no-new-privileges');
  else notes.push(`setuid/setgid programs ran (${setuidRun.join(', ')}): allowPrivilegeEscalation is left on`);
  notes.push('readOnlyRootFilesystem: unknown (the usage record holds no writes); try it and mount writable paths as volumes');
  const lines = ['securityContext:'];
  if (escalation) lines.push('  allowPrivilegeEscalation: false');
  lines.push('  capabilities:', '    drop: ["ALL"]');
  if (exercised.length > 0) lines.push(`    add: [${exercised.map((c) => JSON.stringify(short(c))).join(', ')}]`);
  return { recorded, exercised, beyondDefault, unusedDefault, dockerFlags, kubernetes: lines.join('\n') + '\n', notes };
}
