import { readFileSync } from 'node:fs';

/**
 * Processes a response must never kill: init (pid 1, and pid 0 / negative pids, which `kill(2)`
 * turns into process groups), the agent itself and every process above it (its shell, its service
 * manager: killing them would take the agent down with them).
 */
export function protectedPids(self: number = process.pid): Set<number> {
  const out = new Set<number>([self]);
  let pid = self;
  // the parent chain through /proc/PID/stat (proc(5): field 4 is the ppid, after the parenthesised name)
  for (let depth = 0; depth < 64 && pid > 1; depth++) {
    const parent = parentPid(pid);
    if (parent === undefined || parent <= 0 || out.has(parent)) break;
    out.add(parent);
    pid = parent;
  }
  return out;
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the name may hold spaces and parentheses: the fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Why `pid` may not be killed, or undefined when it may. */
export function refusalReason(pid: number, guarded: ReadonlySet<number>): string | undefined {
  if (!Number.isInteger(pid)) return 'not a process id';
  if (pid <= 1) return 'pid 1 and below are never killed (init, process groups)';
  if (pid === process.pid) return "the agent's own process";
  if (guarded.has(pid)) return 'a parent of the agent';
  return undefined;
}
