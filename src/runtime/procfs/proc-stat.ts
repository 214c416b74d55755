/**
 * Parsers for /proc/PID/stat and /proc/PID/status (proc(5)). The comm field of stat is in parentheses
 * and may itself hold spaces and parentheses, so the fields are split after the LAST `)`.
 */

export interface ProcStat {
  pid: number;
  /** Executable name as the kernel keeps it (TASK_COMM_LEN: at most 15 bytes). */
  comm: string;
  /** One-letter state (R, S, D, Z, ...). */
  state: string;
  ppid: number;
  /** Field 22: start time in clock ticks after boot; a changed value under one pid means a new process. */
  startTime: number;
}

/** Parses the one line of /proc/PID/stat; undefined when it is not that shape. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  const fields = text.slice(close + 2).trimEnd().split(' ');
  // fields[0] is field 3 (state) of proc(5), so field N is fields[N - 3].
  if (!Number.isInteger(pid) || fields.length < 20) return undefined;
  const ppid = Number(fields[1]);
  const startTime = Number(fields[19]);
  if (!Number.isInteger(ppid) || !Number.isInteger(startTime)) return undefined;
  return { pid, comm: text.slice(open + 2, close), state: fields[0]!, ppid, startTime };
}

/** The real uid from the `Uid:` line of /proc/PID/status (real, effective, saved, filesystem). */
export function parseStatusRealUid(text: string): number | undefined {
  const match = /^Uid:\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
