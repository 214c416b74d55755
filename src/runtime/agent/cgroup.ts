/**
 * A container's processes and its freezer, straight from the cgroup file system: faster than the
 * Engine API when a fork bomb adds thousands of processes a second. cgroup v1 (per-controller
 * hierarchies under /sys/fs/cgroup/<controller>) and v2 (one hierarchy, `0::` line) are both handled;
 * the path comes from /proc/<pid>/cgroup of a process in the container.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The cgroup folder of `pid` for a v1 controller, or the v2 folder; undefined when unknown. */
export function cgroupDir(pid: number, controller: 'pids' | 'freezer', root = CGROUP_ROOT): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  let unified: string | undefined;
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers === undefined || path === undefined) continue;
    if (controllers.split(',').includes(controller)) {
      const dir = `${root}/${controller}${path}`;
      if (existsSync(dir)) return dir;
    }
    if (controllers === '') unified = path;
  }
  if (unified !== undefined) {
    for (const dir of [`${root}${unified}`, `${root}/unified${unified}`]) {
      if (existsSync(`${dir}/cgroup.procs`) && (controller !== 'freezer' || existsSync(`${dir}/cgroup.freeze`))) return dir;
    }
  }
  return undefined;
}

/** Host pids of every process in the container of `pid` (its cgroup), or [] when unreadable. */
export function cgroupProcesses(pid: number): number[] {
  const dir = cgroupDir(pid, 'pids');
  if (!dir) return [];
  try {
    return readFileSync(`${dir}/cgroup.procs`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Freezes (or thaws) every process in the cgroup of `pid`: a frozen fork bomb cannot fork while its
 * processes are killed. Returns false when no freezer is available.
 */
export function setFrozen(pid: number, frozen: boolean): boolean {
  const dir = cgroupDir(pid, 'freezer');
  if (!dir) return false;
  try {
    if (existsSync(`${dir}/freezer.state`)) writeFileSync(`${dir}/freezer.state`, frozen ? 'FROZEN' : 'THAWED');
    else writeFileSync(`${dir}/cgroup.freeze`, frozen ? '1' : '0');
    return true;
  } catch {
    return false;
  }
}
