import { constants, type Stats } from 'node:fs';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { lstat, open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import { silentReporter, type Reporter } from '../progress.js';
import { digestOf } from './digest.js';
import { printable, sanitizeEntryPath } from './layer-tar.js';
import { LIMITS } from './limits.js';
import type { OpenOptions } from './options.js';
import type { EntryType, ImageConfig, ImageSource, LayerEntry, LayerRef } from './types.js';

/** Host trees that are views of the kernel or of the running system, not files of the installation. */
const HOST_SKIP = ['proc', 'sys', 'dev', 'run', 'tmp'];
/** Filesystem types that hold no installed files (from /proc/self/mountinfo). */
const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'pstore',
  'bpf', 'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'autofs', 'binfmt_misc', 'efivarfs', 'nsfs', 'rpc_pipefs', 'overlay-proc',
]);

/**
 * `dir:PATH`: a root filesystem directory as one pseudo-layer (`dir:/` inventories this machine).
 * Walked with lstat, symlinks reported but never followed, pseudo filesystems skipped, files read
 * only when an analyser asks. Its content can change, so it is never cached.
 */
export async function openDirectory(path: string, options: OpenOptions): Promise<ImageSource> {
  const root = resolve(path);
  let st: Stats;
  try {
    st = await lstat(root);
  } catch (e) {
    throw new BulkheadError('INPUT_NOT_FOUND', `dir:${path}: no such directory`, { input: path, cause: e });
  }
  if (!st.isDirectory()) throw new BulkheadError('INPUT_INVALID', `dir:${path}: not a directory`, { input: path });
  const reporter = options.reporter ?? silentReporter;
  const layer: LayerRef = { index: 0, digest: digestOf(root), mediaType: 'application/vnd.bulkhead.directory', createdBy: `directory ${root}` };
  const config: ImageConfig = { architecture: goArch(process.arch), os: process.platform, rootfs: { type: 'layers', diff_ids: [] } };
  return {
    transport: 'dir',
    reference: `dir:${path}`,
    config,
    layers: [layer],
    cacheable: false,
    entries: (l, signal) => {
      if (l.index !== 0) throw new BulkheadError('INTERNAL', `dir:${path}: has one layer, not ${l.index}`);
      return walk(root, reporter, signal ?? options.signal);
    },
    close: async () => {},
  };
}

/** Node's arch names to the GOARCH names image configs use (OCI image spec, config.md "architecture"). */
function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** Mount points of pseudo filesystems below `root` (absolute paths), from /proc/self/mountinfo. */
async function pseudoMounts(root: string): Promise<Set<string>> {
  const out = new Set<string>();
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    // proc(5): ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    const mountPoint = fields[4];
    const fsType = fields[dash + 1];
    if (dash < 0 || !mountPoint || !fsType || !PSEUDO_FS.has(fsType)) continue;
    const decoded = mountPoint.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (decoded !== root && (root === '/' || decoded.startsWith(root + '/'))) out.add(decoded);
  }
  return out;
}

function typeOf(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function skippable(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

interface Listing {
  dir: string;
  names: string[];
  next: number;
}

/** Absolute paths of directories listed but not entered when walking `root`. */
export async function skippedDirectories(root: string): Promise<Set<string>> {
  const skip = await pseudoMounts(root);
  if (root === '/') for (const d of HOST_SKIP) skip.add('/' + d);
  return skip;
}

async function* walk(root: string, reporter: Reporter, signal?: AbortSignal): AsyncGenerator<LayerEntry> {
  const skip = await skippedDirectories(root);
  const join = (dir: string, name: string) => (dir === '/' ? '/' + name : `${dir}/${name}`);
  const list = async (dir: string): Promise<Listing | undefined> => {
    try {
      const names: string[] = [];
      for (const d of readdirSync(dir)) names.push(d);
      // Byte order, as `tar --sort=name` and Go's filepath.Walk use.
      names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      return { dir, names, next: 0 };
    } catch (e) {
      if (!skippable(e)) throw e;
      reporter.warn(`dir:${root}: cannot list ${printable(dir)} (${(e as NodeJS.ErrnoException).code}), skipped`);
      return undefined;
    }
  };
  // Depth-first, parents before children: the order of a tar of the tree.
  const first = await list(root);
  const stack: Listing[] = first ? [first] : [];
  let count = 0;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const name = top.names[top.next++];
    if (name === undefined) {
      stack.pop();
      continue;
    }
    signal?.throwIfAborted();
    const full = join(top.dir, name);
    let st: Stats;
    try {
      // Synchronous: a root file system has hundreds of thousands of entries, and a thread-pool round
      // trip per lstat costs ten times the call (dir:/usr went from 14 s to a few).
      st = lstatSync(full);
    } catch (e) {
      if (!skippable(e)) throw e;
      reporter.warn(`dir:${root}: ${printable(full)} vanished or is unreadable (${(e as NodeJS.ErrnoException).code}), skipped`);
      continue;
    }
    if (++count > LIMITS.maxEntriesPerLayer) throw new BulkheadError('SIZE_LIMIT', `dir:${root}: more than ${LIMITS.maxEntriesPerLayer} entries`, { input: root });
    const type = typeOf(st);
    let linkTarget: string | undefined;
    if (type === 'symlink') {
      try {
        linkTarget = readlinkSync(full);
      } catch (e) {
        if (!skippable(e)) throw e;
        continue;
      }
    }
    const rel = sanitizeEntryPath(full.slice(root === '/' ? 1 : root.length + 1), `dir:${root}`);
    yield entry(rel, full, st, type, linkTarget, root, reporter);
    if (type === 'dir' && !skip.has(full)) {
      const below = await list(full);
      if (below) stack.push(below);
    }
  }
}

function entry(rel: string, full: string, st: Stats, type: EntryType, linkTarget: string | undefined, root: string, reporter: Reporter): LayerEntry {
  return {
    path: rel,
    type,
    mode: st.mode & 0o7777,
    size: type === 'file' ? st.size : 0,
    uid: st.uid,
    gid: st.gid,
    mtime: st.mtimeMs,
    ...(linkTarget !== undefined ? { linkTarget } : {}),
    read: async (maxBytes: number) => {
      if (type !== 'file' || st.size > maxBytes) return undefined;
      try {
        return await readRegular(full, maxBytes);
      } catch (e) {
        if (!skippable(e)) throw e;
        reporter.warn(`dir:${root}: cannot read ${printable(full)} (${(e as NodeJS.ErrnoException).code}), skipped`);
        return undefined;
      }
    },
  };
}

/**
 * Reads a regular file, at most `maxBytes`. O_NOFOLLOW and O_NONBLOCK keep a file swapped for a
 * symlink or a FIFO since the walk from being followed or from blocking.
 */
async function readRegular(full: string, maxBytes: number): Promise<Buffer | undefined> {
  const fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    const chunks: Buffer[] = [];
    let have = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1 << 20, maxBytes + 1 - have));
      const { bytesRead } = await fh.read(buf, 0, buf.length, have);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      have += bytesRead;
      if (have > maxBytes) return undefined; // grew past the cap since it was listed
    }
    return Buffer.concat(chunks);
  } finally {
    await fh.close();
  }
}
