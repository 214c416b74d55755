/**
 * Facts about a live process read from /proc. A process may end between the event and the read: every
 * reader returns a neutral value then (the event is still reported with what the kernel said).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

/** argv of the process, [] when gone. */
export function readCmdline(pid: number): string[] {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (args.at(-1) === '') args.pop();
    return args;
  } catch {
    return [];
  }
}

/** Target of /proc/PID/exe (the path inside the process's own mount namespace), '' when gone. */
export function readExe(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return '';
  }
}

/**
 * True when the process has a controlling terminal (field 7 of /proc/PID/stat, proc(5)) or its
 * standard input is a pseudo-terminal.
 */
export function hasTty(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[4]) !== 0) return true;
  } catch {
    return false;
  }
  try {
    return /^\/dev\/(pts\/\d+|tty)/.test(readlinkSync(`/proc/${pid}/fd/0`));
  } catch {
    return false;
  }
}

/** An absolute path for `file` as the process named it (relative paths resolve against its cwd). */
export function absolutePath(pid: number, file: string): string {
  if (file.startsWith('/')) return posix.normalize(file);
  try {
    return posix.join(readlinkSync(`/proc/${pid}/cwd`), file);
  } catch {
    return posix.join('/', file);
  }
}
