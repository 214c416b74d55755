/**
 * The agent's one bpftrace program: the exec probe of exec-program.ts (every exec on the host, drift
 * killed in the kernel) plus the behaviour probes the detectors and profiles read. Those are limited
 * in the kernel to tasks outside the agent's own mount namespace, so the host's own activity (and a
 * busy host's file writes) never reaches user space.
 *
 * Tracepoints (stable kernel ABI, unlike kprobes):
 * - sock:inet_sock_set_state: TCP connect (newstate SYN_SENT, in the connecting task's context) and
 *   listen (newstate LISTEN), IPv4 and IPv6, with addresses the kernel already resolved;
 * - task:task_newtask: process creation (clone without CLONE_THREAD, so threads are not "forks");
 * - sched:sched_process_exit: a process (thread group leader) ended;
 * - syscalls openat with a write flag, and chmod/fchmodat setting an execute bit;
 * - syscalls setuid/setreuid/setresuid asking for uid 0 from another uid;
 * - syscalls ptrace PTRACE_ATTACH (16) and PTRACE_SEIZE (0x4206).
 * One process, one compile: bpftrace's memory is paid once.
 */
import { execProgram, parseExecLine, EXEC_LINE_TAG, type ExecProgramOptions } from './exec-program.js';
import type { ProbeEvent } from './probe-event.js';
import { usageProgram, type UsageProgramOptions } from '../usage/usage-program.js';

export interface EventProgramOptions extends ExecProgramOptions {
  /** Inode of the agent's mount namespace (`stat -L /proc/self/ns/mnt`): tasks in it are the host. */
  hostMountNamespace: number;
  /** What the container's usage record needs counted in the kernel (src/runtime/usage); none when absent. */
  usage?: Omit<UsageProgramOptions, 'hostMountNamespace'>;
}

const TCP_SYN_SENT = 2;
const TCP_LISTEN = 10;
const AF_INET = 2;
const CLONE_THREAD = 0x10000;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const PTRACE_ATTACH = 16;
const PTRACE_SEIZE = 0x4206;

export function eventProgram(options: EventProgramOptions): string {
  const inContainer = `/curtask->nsproxy->mnt_ns->ns.inum != ${options.hostMountNamespace}/`;
  const writeFlags = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC;
  return (
    execProgram(options) +
    [
      `tracepoint:sock:inet_sock_set_state ${inContainer} {`,
      `  if (args->newstate == ${TCP_SYN_SENT}) {`,
      `    if (args->family == ${AF_INET}) { printf("BULKHEAD_NET\\tconnect\\t%d\\t4\\t%s\\t%d\\t%s\\n", pid, ntop(args->daddr), args->dport, comm); }`,
      '    else { printf("BULKHEAD_NET\\tconnect\\t%d\\t6\\t%s\\t%d\\t%s\\n", pid, ntop(args->daddr_v6), args->dport, comm); }',
      `  } else if (args->newstate == ${TCP_LISTEN}) {`,
      `    if (args->family == ${AF_INET}) { printf("BULKHEAD_NET\\tlisten\\t%d\\t4\\t%s\\t%d\\t%s\\n", pid, ntop(args->saddr), args->sport, comm); }`,
      '    else { printf("BULKHEAD_NET\\tlisten\\t%d\\t6\\t%s\\t%d\\t%s\\n", pid, ntop(args->saddr_v6), args->sport, comm); }',
      '  }',
      '}',
      `tracepoint:task:task_newtask ${inContainer} {`,
      `  if ((args->clone_flags & ${CLONE_THREAD}) == 0) { printf("BULKHEAD_FORK\\t%d\\t%d\\t%s\\n", pid, args->pid, comm); }`,
      '}',
      `tracepoint:sched:sched_process_exit ${inContainer} {`,
      '  if (pid == tid) { printf("BULKHEAD_EXIT\\t%d\\n", pid); }',
      '}',
      `tracepoint:syscalls:sys_enter_openat ${inContainer} {`,
      `  if ((args->flags & ${writeFlags}) != 0) { printf("BULKHEAD_WRITE\\t0\\t%d\\t%s\\t%s\\n", pid, comm, str(args->filename)); }`,
      '}',
      `tracepoint:syscalls:sys_enter_fchmodat ${inContainer} {`,
      '  if ((args->mode & 0111) != 0) { printf("BULKHEAD_WRITE\\t1\\t%d\\t%s\\t%s\\n", pid, comm, str(args->filename)); }',
      '}',
      `tracepoint:syscalls:sys_enter_chmod ${inContainer} {`,
      '  if ((args->mode & 0111) != 0) { printf("BULKHEAD_WRITE\\t1\\t%d\\t%s\\t%s\\n", pid, comm, str(args->filename)); }',
      '}',
      `tracepoint:syscalls:sys_enter_setuid ${inContainer} {`,
      '  if (args->uid == 0 && uid != 0) { printf("BULKHEAD_SETUID\\t%d\\t%d\\t0\\t%s\\n", pid, uid, comm); }',
      '}',
      `tracepoint:syscalls:sys_enter_setreuid ${inContainer} {`,
      '  if ((args->ruid == 0 || args->euid == 0) && uid != 0) { printf("BULKHEAD_SETUID\\t%d\\t%d\\t0\\t%s\\n", pid, uid, comm); }',
      '}',
      `tracepoint:syscalls:sys_enter_setresuid ${inContainer} {`,
      '  if ((args->ruid == 0 || args->euid == 0 || args->suid == 0) && uid != 0) { printf("BULKHEAD_SETUID\\t%d\\t%d\\t0\\t%s\\n", pid, uid, comm); }',
      '}',
      `tracepoint:syscalls:sys_enter_ptrace ${inContainer} {`,
      `  if (args->request == ${PTRACE_ATTACH} || args->request == ${PTRACE_SEIZE}) { printf("BULKHEAD_PTRACE\\t%d\\t%d\\t%d\\t%s\\n", pid, args->pid, args->request, comm); }`,
      '}',
    ].join('\n') +
    '\n' +
    (options.usage ? usageProgram({ ...options.usage, hostMountNamespace: options.hostMountNamespace }) : '')
  );
}

/** Parses one line printed by `eventProgram`; undefined for anything else (warnings, banners). */
export function parseProbeLine(line: string): ProbeEvent | undefined {
  const tab = line.indexOf('\t');
  const tag = tab < 0 ? line : line.slice(0, tab);
  if (tag === EXEC_LINE_TAG) {
    const exec = parseExecLine(line);
    return exec ? { kind: 'exec', ...exec } : undefined;
  }
  const parts = line.split('\t');
  const int = (s: string | undefined): number | undefined => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined);
  switch (tag) {
    case 'BULKHEAD_NET': {
      const [, kind, pid, family, address, port] = parts;
      const p = int(pid);
      const n = int(port);
      if ((kind !== 'connect' && kind !== 'listen') || p === undefined || n === undefined || !address) return undefined;
      if (family !== '4' && family !== '6') return undefined;
      return { kind, pid: p, family: family === '4' ? 4 : 6, address, port: n, protocol: 'tcp', comm: parts.slice(6).join('\t') };
    }
    case 'BULKHEAD_FORK': {
      const p = int(parts[1]);
      const c = int(parts[2]);
      return p === undefined || c === undefined ? undefined : { kind: 'fork', pid: p, childPid: c, comm: parts.slice(3).join('\t') };
    }
    case 'BULKHEAD_EXIT': {
      const p = int(parts[1]);
      return p === undefined ? undefined : { kind: 'exit', pid: p };
    }
    case 'BULKHEAD_WRITE': {
      const p = int(parts[2]);
      if (p === undefined || parts.length < 5) return undefined;
      return { kind: 'write', chmodExec: parts[1] === '1', pid: p, comm: parts[3]!, file: parts.slice(4).join('\t') };
    }
    case 'BULKHEAD_SETUID': {
      const [p, from, to] = [int(parts[1]), int(parts[2]), int(parts[3])];
      if (p === undefined || from === undefined || to === undefined) return undefined;
      return { kind: 'setuid', pid: p, fromUid: from, toUid: to, comm: parts.slice(4).join('\t') };
    }
    case 'BULKHEAD_PTRACE': {
      const [p, target, request] = [int(parts[1]), int(parts[2]), int(parts[3])];
      if (p === undefined || target === undefined || request === undefined) return undefined;
      return { kind: 'ptrace', pid: p, targetPid: target, request, comm: parts.slice(4).join('\t') };
    }
    default:
      return undefined;
  }
}
