import type { SeccompProfile } from './types.js';

/**
 * System calls the container runtime itself makes after it has loaded the filter and before the
 * workload's first instruction: runc applies the profile in its init process and then calls
 * execve (with no_new_privs, as late as possible), closing descriptors and waiting on its parent's
 * pipe and checking that /proc/self/fd is procfs (fstatfs) on the way (runc libcontainer/standard_init_linux.go, found by
 * running Docker with a profile of observed calls only). A profile without them fails at start
 * with "operation not permitted" before the workload ever runs, which observation cannot see.
 */
export const RUNTIME_START_SYSCALLS = [
  'execve', 'exit', 'exit_group', 'futex', 'nanosleep', 'sched_yield', 'rt_sigreturn', 'rt_sigprocmask',
  'rt_sigaction', 'sigaltstack', 'getpid', 'gettid', 'tgkill', 'read', 'write', 'close', 'close_range',
  'fstat', 'newfstatat', 'fcntl', 'capget', 'capset', 'prctl', 'getppid', 'epoll_pwait', 'epoll_ctl',
  'mmap', 'munmap', 'madvise', 'openat', 'brk', 'fstatfs', 'statfs', 'getdents64', 'fchdir', 'setgroups', 'setresuid', 'setresgid', 'setuid', 'setgid', 'getuid', 'getgid', 'geteuid', 'getegid', 'getgroups', 'write', 'dup3', 'chdir', 'getcwd', 'set_robust_list', 'arch_prctl', 'uname', 'faccessat', 'faccessat2', 'execveat',
];

/**
 * A seccomp profile allowing what was observed, denying the rest with EPERM. Shape: OCI runtime-spec
 * config-linux.md "Seccomp" (defaultAction, defaultErrnoRet, architectures as SCMP_ARCH_*, syscalls
 * entries with `names` and `action`), which is also Docker's `--security-opt seccomp=FILE` format.
 * x86_64 only: the syscall names come from the x86_64 table, so a 32-bit (x86/x32) call is denied.
 */
export function seccompProfile(observed: Record<string, number>): SeccompProfile {
  const names = new Set([...Object.keys(observed).filter((n) => /^[a-z0-9_]+$/.test(n)), ...RUNTIME_START_SYSCALLS]);
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: [...names].sort(), action: 'SCMP_ACT_ALLOW' }],
  };
}
