/**
 * The bpftrace program that reports every exec and, in protect mode, kills drifted executables inside
 * the kernel before they run a single instruction of their own.
 *
 * In-kernel discriminator (measured on Linux 6.18 with Docker overlay2): after exec,
 * `curtask->mm->exe_file` is the overlayfs file, its `f_inode` is embedded in a `struct ovl_inode`
 * (fs/overlayfs/ovl_entry.h). That inode's `__upperdentry` is non-null only when the file lives in the
 * container's writable (upper) layer; `oe->__numlower` is 0 for a file created in the container and
 * > 0 for an image file that was copied up (modified). Image files have no upper dentry. The super
 * block's magic (OVERLAYFS_SUPER_MAGIC) guards the cast, and `s_dev` (the overlay mount's anonymous
 * device) restricts protection to the chosen containers.
 */

/** OVERLAYFS_SUPER_MAGIC from include/uapi/linux/magic.h. */
export const OVERLAYFS_SUPER_MAGIC = 0x794c7630;

/**
 * Offset of `vfs_inode` inside `struct ovl_inode`: a pointer-sized union, `redirect`, `version` (u64)
 * and `flags` (unsigned long) precede it on 64-bit kernels. bpftrace 0.17 has no offsetof, so the
 * offset is written here; the integration test checks it against a real upper-layer file.
 */
export const OVL_INODE_VFS_OFFSET = 32;

/** First field of every line the program prints, so other output (warnings) is never mistaken. */
export const EXEC_LINE_TAG = 'BULKHEAD_EXEC';

export interface ExecProgramOptions {
  /** 'protect' sends SIGKILL in-kernel to drifted executables; 'monitor' only reports. */
  mode: 'monitor' | 'protect';
  /**
   * Kernel device numbers (`super_block.s_dev`, MKDEV(major, minor) = major << 20 | minor) of the
   * overlay mounts to protect. Undefined protects every overlay mount on the host.
   */
  protectDevices?: readonly number[];
}

/** Converts a userspace `st_dev` (glibc/new_encode_dev encoding) to the kernel's `s_dev`. */
export function kernelDevFromStat(stDev: number): number {
  const major = Math.floor(stDev / 256) & 0xfff;
  const minor = (stDev & 0xff) | (Math.floor(stDev / 4096) & ~0xff);
  return major * 2 ** 20 + minor;
}

/**
 * Fields of one printed line, tab-separated, in this order: tag, monotonic ns, pid, ppid, kernel
 * action (1 = killed in kernel), upper (1 = file in the writable layer), numlower, s_dev, cgroup id,
 * real uid, comm, filename. The filename is last so a tab inside it survives parsing.
 */
export function execProgram(options: ExecProgramOptions): string {
  const protect = options.mode === 'protect';
  const devices = options.protectDevices;
  const deviceTest =
    devices === undefined ? '1' : devices.length === 0 ? '0' : devices.map((d) => `$dev == ${d}`).join(' || ');
  const lines = [
    'tracepoint:sched:sched_process_exec {',
    '  $inode = curtask->mm->exe_file->f_inode;',
    '  $dev = $inode->i_sb->s_dev;',
    '  $upper = 0; $lower = 0; $killed = 0;',
    `  if ($inode->i_sb->s_magic == ${OVERLAYFS_SUPER_MAGIC}) {`,
    `    $ovl = (struct ovl_inode *)((uint64)$inode - ${OVL_INODE_VFS_OFFSET});`,
    '    if ($ovl->__upperdentry != 0) { $upper = 1; }',
    '    $lower = $ovl->oe->__numlower;',
  ];
  if (protect) {
    lines.push(`    if ($upper == 1 && (${deviceTest})) { signal("KILL"); $killed = 1; }`);
  }
  lines.push(
    '  }',
    `  printf("${EXEC_LINE_TAG}\\t%llu\\t%d\\t%d\\t%d\\t%d\\t%d\\t%u\\t%llu\\t%u\\t%s\\t%s\\n", nsecs, pid, curtask->real_parent->tgid, $killed, $upper, $lower, $dev, cgroup, uid, comm, str(args->filename));`,
    '}',
  );
  return lines.join('\n') + '\n';
}

/** One exec as the kernel saw it. */
export interface KernelExec {
  /** CLOCK_MONOTONIC nanoseconds at the exec (same clock as `process.hrtime.bigint()`). */
  monotonicNs: bigint;
  pid: number;
  ppid: number;
  /** True when the program sent SIGKILL at exec. */
  killedInKernel: boolean;
  /** True when the executable lives in an overlay upper (writable) layer. */
  upperLayer: boolean;
  /** Lower layers behind the file: 0 with `upperLayer` means created in the container. */
  lowerLayers: number;
  /** Kernel device number of the executable's file system. */
  device: number;
  /** bpf_get_current_cgroup_id (meaningful on cgroup v2 only). */
  cgroupId: bigint;
  /** Real uid after the exec (host view). */
  uid: number;
  comm: string;
  filename: string;
}

/** Parses one line printed by `execProgram`; undefined for anything else. */
export function parseExecLine(line: string): KernelExec | undefined {
  const parts = line.split('\t');
  if (parts.length < 12 || parts[0] !== EXEC_LINE_TAG) return undefined;
  const [, ns, pid, ppid, killed, upper, lower, dev, cg, uid, comm] = parts;
  const filename = parts.slice(11).join('\t');
  if (!/^\d+$/.test(ns!) || !/^\d+$/.test(cg!)) return undefined;
  return {
    monotonicNs: BigInt(ns!),
    pid: Number(pid),
    ppid: Number(ppid),
    killedInKernel: killed === '1',
    upperLayer: upper === '1',
    lowerLayers: Number(lower),
    device: Number(dev),
    cgroupId: BigInt(cg!),
    uid: Number(uid),
    comm: comm!,
    filename,
  };
}
