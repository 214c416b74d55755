/**
 * Drift: a container runs an executable that is not part of its image. The kernel probe tells
 * whether the file lives in the overlay upper (writable) layer; without it (another storage driver,
 * or a memfd), userspace looks at /proc/PID/exe and the container's upper dir. Pure decisions here;
 * the monitor (drift-monitor.ts) does the I/O.
 */
import type { RuntimeEvent } from '../events/types.js';
import type { ContainerInfo } from './container-lookup.js';
import type { KernelExec } from './exec-program.js';

export type DriftAction = 'blocked-at-exec' | 'killed' | 'alerted';

/** Rule id of drift events. */
export const DRIFT_RULE = 'BH-RT-100';

/** The runtime event written for one drifted exec. */
export interface DriftEvent extends RuntimeEvent {
  type: 'drift';
  action: DriftAction;
}

/** What userspace could learn about the process (all optional: it may already be gone). */
export interface ProcessFacts {
  /** Target of /proc/PID/exe. */
  exeLink?: string;
  /** True when `upperDir + path` exists on the host. */
  existsInUpperDir?: boolean;
}

/** Returns the reason an exec is drift, or undefined when the executable comes from the image. */
export function driftReason(exec: KernelExec, facts: ProcessFacts): string | undefined {
  const path = exec.filename;
  if (facts.exeLink?.startsWith('/memfd:')) {
    return `not in image: ${path} runs from an in-memory file (${facts.exeLink})`;
  }
  if (exec.upperLayer) {
    return exec.lowerLayers === 0
      ? `not in image: ${path} was created in the container`
      : `not in image: ${path} was modified in the container`;
  }
  if (facts.existsInUpperDir) return `not in image: ${path} was created in the container`;
  return undefined;
}

export function driftEvent(
  exec: KernelExec,
  container: ContainerInfo,
  action: DriftAction,
  reason: string,
  cmdline: string[],
  now = new Date(),
): DriftEvent {
  return {
    time: now.toISOString(),
    type: 'drift',
    severity: 'high',
    rule: DRIFT_RULE,
    container: { id: container.id, name: container.name, image: container.image, imageDigest: container.imageDigest },
    process: { pid: exec.pid, path: exec.filename, cmdline },
    action,
    reason,
  };
}
