import type { FileIndex } from '../image/index.js';

/**
 * Programs an intruder reaches for after getting code execution in a container, by class. The
 * reasons are what each class gives them; a tool the workload never ran is pure attack surface.
 * Names are matched on the file name with any version suffix removed (`python3.11` → `python`,
 * `gcc-12` → `gcc`), so the table lists base names only.
 */
export const ATTACKER_TOOL_CLASSES: ReadonlyArray<{ class: string; reason: string; names: readonly string[] }> = [
  {
    class: 'shell',
    reason: 'turns any command-injection bug into an interactive foothold and runs every other tool',
    names: ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox', 'toybox'],
  },
  {
    class: 'package manager',
    reason: 'installs whatever else the attacker needs (scanners, miners, compilers) from the network',
    names: ['apt', 'apt-get', 'aptitude', 'dpkg', 'apk', 'rpm', 'yum', 'dnf', 'microdnf', 'zypper', 'pip', 'pip3', 'easy_install', 'npm', 'npx', 'yarn', 'pnpm', 'gem', 'composer', 'cargo'],
  },
  {
    class: 'compiler',
    reason: 'builds exploits and implants inside the container, past tools that check shipped binaries',
    names: ['gcc', 'cc', 'c++', 'g++', 'clang', 'clang++', 'tcc', 'as', 'ld', 'make', 'go', 'rustc', 'javac'],
  },
  {
    class: 'downloader',
    reason: 'fetches second-stage payloads and sends stolen data out over HTTP/FTP',
    names: ['curl', 'wget', 'tftp', 'ftp', 'lftp', 'aria2c', 'fetch'],
  },
  {
    class: 'network tool',
    reason: 'opens reverse shells, tunnels and scans the cluster network from inside',
    names: ['nc', 'netcat', 'ncat', 'socat', 'ssh', 'scp', 'sftp', 'telnet', 'nmap', 'openssl', 'rsync', 'ip', 'ifconfig', 'iptables', 'nft', 'tcpdump', 'ping', 'dig', 'nslookup'],
  },
  {
    class: 'interpreter',
    reason: 'runs one-line reverse shells and fileless payloads without writing a binary (when it is not the application\'s own runtime, which then shows as used)',
    names: ['perl', 'python', 'python2', 'python3', 'ruby', 'php', 'lua', 'node', 'tclsh', 'awk', 'gawk', 'mawk'],
  },
  {
    class: 'debugger',
    reason: 'reads and rewrites the memory of other processes (credentials, injected code)',
    names: ['gdb', 'strace', 'ltrace', 'perf', 'lldb'],
  },
  {
    class: 'privilege tool',
    reason: 'changes identity: sudo/su with a weak or known password, setcap to grant capabilities',
    names: ['su', 'sudo', 'doas', 'setcap', 'chroot', 'nsenter', 'unshare', 'capsh'],
  },
];

const BIN_DIRS = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'usr/local/sbin'];

const CLASS_BY_NAME = new Map<string, (typeof ATTACKER_TOOL_CLASSES)[number]>();
for (const c of ATTACKER_TOOL_CLASSES) for (const n of c.names) CLASS_BY_NAME.set(n, c);

/** `python3.11` → `python3` then `python`; `gcc-12` → `gcc`; `pip3` → `pip3`. */
export function toolClassOf(fileName: string): (typeof ATTACKER_TOOL_CLASSES)[number] | undefined {
  const direct = CLASS_BY_NAME.get(fileName);
  if (direct) return direct;
  const base = fileName.replace(/[-.]?\d+(\.\d+)*$/, '');
  return CLASS_BY_NAME.get(base) ?? CLASS_BY_NAME.get(base.replace(/\d+$/, ''));
}

/**
 * Attacker-useful executables in the image's binary folders, grouped by the file they resolve to
 * (so `bin/sh → dash` and `usr/bin/dash` are one tool). Only regular files with an execute bit count.
 */
export function findAttackerTools(files: FileIndex): Map<string, { names: string[]; class: string; reason: string }> {
  const out = new Map<string, { names: string[]; class: string; reason: string }>();
  for (const f of files.all()) {
    const slash = f.path.lastIndexOf('/');
    if (slash < 0 || !BIN_DIRS.includes(f.path.slice(0, slash))) continue;
    if (f.type !== 'file' && f.type !== 'symlink' && f.type !== 'hardlink') continue;
    const cls = toolClassOf(f.path.slice(slash + 1));
    if (!cls) continue;
    const resolved = files.resolve(f.path);
    if (!resolved) continue;
    const target = files.get(resolved);
    if (!target || (target.type !== 'file' && target.type !== 'hardlink') || (target.mode & 0o111) === 0) continue;
    const entry = out.get(resolved);
    if (entry) entry.names.push(f.path);
    else out.set(resolved, { names: [f.path], class: cls.class, reason: cls.reason });
  }
  for (const e of out.values()) e.names.sort();
  return out;
}
