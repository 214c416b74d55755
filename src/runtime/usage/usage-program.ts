/**
 * The usage part of the agent's bpftrace program: counts kept in kernel maps and printed (then
 * cleared) on an interval, so no open, capability check or system call is sent to user space one by
 * one. Like the behaviour probes, every probe is limited in the kernel to tasks outside the agent's
 * own mount namespace; counts are keyed by the task's mount namespace inode, which the agent maps to
 * the container.
 *
 * - Files read: `openat`/`open` without a write flag, O_DIRECTORY or O_PATH, counted at syscall exit
 *   when the open succeeded (the filename pointer is kept per thread between enter and exit). Absolute
 *   paths are keyed (mntns, path); paths relative to the working directory (dirfd AT_FDCWD) are keyed
 *   (mntns, pid, path) so user space can resolve them against /proc/PID/cwd; paths relative to another
 *   directory descriptor are dropped.
 * - Capabilities: the `capability:cap_capable` tracepoint (Linux 6.14+, security/commoncap.c) with
 *   ret == 0 (granted). It carries no `opts`, so CAP_OPT_NOAUDIT checks (ptrace_may_access and the
 *   like) are counted too: the record may hold a little more than was needed, never less. Kernels
 *   without the tracepoint use kprobe/kretprobe on `cap_capable(cred, ns, cap, opts)` (arg2 = cap,
 *   arg3 = opts, skipping CAP_OPT_NOAUDIT = BIT(1)) where kprobe events exist.
 * - System calls (optional): `raw_syscalls:sys_enter` counted per (mntns, id).
 */
import { existsSync } from 'node:fs';

export const USAGE_MAPS = {
  reads: '@bh_reads',
  relativeReads: '@bh_rel_reads',
  capabilities: '@bh_caps',
  syscalls: '@bh_sys',
} as const;

export interface UsageProgramOptions {
  /** Inode of the agent's own mount namespace. */
  hostMountNamespace: number;
  fileReads: boolean;
  capabilities: 'tracepoint' | 'kprobe' | false;
  syscalls: boolean;
  /** Seconds between prints of the maps. */
  intervalSeconds?: number;
}

const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_DIRECTORY = 0o200000;
const O_PATH = 0o10000000;
const AT_FDCWD = -100;
/** CAP_OPT_NOAUDIT, include/linux/security.h. */
const CAP_OPT_NOAUDIT = 2;

/** Which capability probe this kernel offers (tracefs must be mounted). */
export function capabilityProbeKind(tracefs = '/sys/kernel/tracing'): 'tracepoint' | 'kprobe' | false {
  if (existsSync(`${tracefs}/events/capability/cap_capable`)) return 'tracepoint';
  if (existsSync(`${tracefs}/kprobe_events`)) return 'kprobe';
  return false;
}

export function usageProgram(options: UsageProgramOptions): string {
  const mntns = 'curtask->nsproxy->mnt_ns->ns.inum';
  // runc's own set-up runs in the container's mount namespace before the entrypoint (mounts,
  // pivot_root: CAP_SYS_ADMIN...): the engine at work, not the workload, so it is left out
  const workload = `${mntns} != ${options.hostMountNamespace} && strncmp(comm, "runc:", 5) != 0`;
  const inContainer = `/${workload}/`;
  const skip = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_DIRECTORY | O_PATH;
  const lines: string[] = [];
  const printed: string[] = [];
  if (options.fileReads) {
    // Two per-thread maps: opens relative to the working directory (or plain open), and opens
    // relative to another directory descriptor, whose relative names cannot be resolved later.
    // (Testing the first byte at enter trips the verifier in bpftrace 0.17: deciding at exit.)
    for (const call of ['openat', 'open']) {
      const stash =
        call === 'openat'
          ? `if (args->dfd == ${AT_FDCWD}) { @bh_open[tid] = args->filename; } else { @bh_open_at[tid] = args->filename; }`
          : '@bh_open[tid] = args->filename;';
      lines.push(
        `tracepoint:syscalls:sys_enter_${call} ${inContainer} {`,
        `  if ((args->flags & ${skip}) == 0) { ${stash} }`,
        '}',
        `tracepoint:syscalls:sys_exit_${call} ${inContainer} {`,
        '  $f = @bh_open[tid];',
        '  if ($f != 0) {',
        '    if (args->ret >= 0) {',
        '      $s = str($f);',
        `      if (strncmp($s, "/", 1) == 0) { ${USAGE_MAPS.reads}[${mntns}, $s] = count(); }`,
        `      else { ${USAGE_MAPS.relativeReads}[${mntns}, pid, $s] = count(); }`,
        '    }',
        '    delete(@bh_open[tid]);',
        '  }',
        ...(call === 'openat'
          ? [
              '  $g = @bh_open_at[tid];',
              '  if ($g != 0) {',
              '    if (args->ret >= 0) {',
              '      $t = str($g);',
              `      if (strncmp($t, "/", 1) == 0) { ${USAGE_MAPS.reads}[${mntns}, $t] = count(); }`,
              '    }',
              '    delete(@bh_open_at[tid]);',
              '  }',
            ]
          : []),
        '}',
      );
    }
    printed.push(USAGE_MAPS.reads, USAGE_MAPS.relativeReads);
  }
  if (options.capabilities === 'tracepoint') {
    lines.push(`tracepoint:capability:cap_capable /${workload} && args->ret == 0/ {`, `  ${USAGE_MAPS.capabilities}[${mntns}, args->cap] = count();`, '}');
    printed.push(USAGE_MAPS.capabilities);
  } else if (options.capabilities === 'kprobe') {
    lines.push(
      `kprobe:cap_capable ${inContainer} {`,
      `  if ((arg3 & ${CAP_OPT_NOAUDIT}) == 0) { @bh_cap_check[tid] = arg2 + 1; }`,
      '}',
      'kretprobe:cap_capable /@bh_cap_check[tid] != 0/ {',
      `  if (retval == 0) { ${USAGE_MAPS.capabilities}[${mntns}, @bh_cap_check[tid] - 1] = count(); }`,
      '  delete(@bh_cap_check[tid]);',
      '}',
    );
    printed.push(USAGE_MAPS.capabilities);
  }
  if (options.syscalls) {
    lines.push(`tracepoint:raw_syscalls:sys_enter ${inContainer} {`, `  ${USAGE_MAPS.syscalls}[${mntns}, args->id] = count();`, '}');
    printed.push(USAGE_MAPS.syscalls);
  }
  if (printed.length === 0) return '';
  lines.push(`interval:s:${options.intervalSeconds ?? 2} {`, ...printed.map((m) => `  print(${m}); clear(${m});`), '}');
  return lines.join('\n') + '\n';
}

/** One interval's counts, keyed by mount namespace inode. */
export interface UsageCounts {
  reads: Array<{ mntns: number; path: string; count: number }>;
  relativeReads: Array<{ mntns: number; pid: number; path: string; count: number }>;
  capabilities: Array<{ mntns: number; cap: number; count: number }>;
  syscalls: Array<{ mntns: number; id: number; count: number }>;
}

/**
 * Reads one `print(@map)` message of bpftrace's JSON output (`{"@name": {"k1,k2": n}}`; keys of a
 * multi-key map are joined with commas, so only the last, free-text key may hold a comma).
 * Undefined for maps that are not the usage maps.
 */
export function parseUsageMap(data: unknown): UsageCounts | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const out: UsageCounts = { reads: [], relativeReads: [], capabilities: [], syscalls: [] };
  let known = false;
  for (const [name, entries] of Object.entries(data as Record<string, unknown>)) {
    if (typeof entries !== 'object' || entries === null) continue;
    const rows = Object.entries(entries as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0);
    const split = (key: string, n: number): string[] | undefined => {
      const parts: string[] = [];
      let rest = key;
      for (let i = 0; i < n - 1; i++) {
        const comma = rest.indexOf(',');
        if (comma < 0) return undefined;
        parts.push(rest.slice(0, comma));
        rest = rest.slice(comma + 1);
      }
      parts.push(rest);
      return parts.slice(0, n - 1).every((p) => /^-?\d+$/.test(p)) ? parts : undefined;
    };
    switch (name) {
      case USAGE_MAPS.reads:
        known = true;
        for (const [key, count] of rows) {
          const p = split(key, 2);
          if (p) out.reads.push({ mntns: Number(p[0]), path: p[1]!, count });
        }
        break;
      case USAGE_MAPS.relativeReads:
        known = true;
        for (const [key, count] of rows) {
          const p = split(key, 3);
          if (p) out.relativeReads.push({ mntns: Number(p[0]), pid: Number(p[1]), path: p[2]!, count });
        }
        break;
      case USAGE_MAPS.capabilities:
      case USAGE_MAPS.syscalls:
        known = true;
        for (const [key, count] of rows) {
          const p = split(key, 2);
          if (!p || !/^\d+$/.test(p[1]!)) continue;
          if (name === USAGE_MAPS.capabilities) out.capabilities.push({ mntns: Number(p[0]), cap: Number(p[1]), count });
          else out.syscalls.push({ mntns: Number(p[0]), id: Number(p[1]), count });
        }
        break;
    }
  }
  return known ? out : undefined;
}
