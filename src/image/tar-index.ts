import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BulkheadError } from '../errors.js';
import { printable, sanitizeEntryPath } from './layer-tar.js';
import { LIMITS } from './limits.js';

/**
 * An index of an outer tar file (a `docker save` output or an oci-archive) built from its 512-byte
 * headers alone: member data is skipped with positioned reads and later streamed straight from the
 * file, so an archive is never extracted. Header layout follows POSIX pax/ustar (IEEE 1003.1,
 * "pax Interchange Format") plus the GNU long-name extensions that GNU tar and Go's archive/tar write.
 */
export interface TarMember {
  /** Sanitised path: relative, no `..`, no trailing slash. */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** Byte offset of the member's data in the archive file. */
  offset: number;
  size: number;
  linkTarget?: string;
}

const BLOCK = 512;
/** Most symlinks followed while resolving one member name (as Linux's MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;
/** Metadata members (pax headers, long names) are small; a larger one is an attack. */
const MAX_META_BYTES = 1024 * 1024;

export class TarIndex {
  private constructor(
    /** The archive file. */
    readonly path: string,
    readonly members: ReadonlyMap<string, TarMember>,
  ) {}

  /** Reads the headers of the tar file at `path`. `what` names it in errors. */
  static async open(path: string, what = path): Promise<TarIndex> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw fileError(e, path, what);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new BulkheadError('INPUT_INVALID', `${what}: is a directory, not a tar archive`, { input: path });
      return new TarIndex(path, await readHeaders(fh, st.size, what));
    } finally {
      await fh.close();
    }
  }

  /** The member at `name` after following symlinks and hard links (in any path component). */
  resolve(name: string, what = this.path): TarMember | undefined {
    let parts = sanitizeEntryPath(name, what).split('/').filter((p) => p !== '');
    let hops = 0;
    for (let i = 0; i < parts.length; i++) {
      const prefix = parts.slice(0, i + 1).join('/');
      const member = this.members.get(prefix);
      if (!member) {
        if (i === parts.length - 1) return undefined;
        continue; // implicit directory: tars need not list parents
      }
      if ((member.type !== 'symlink' && member.type !== 'hardlink') || member.linkTarget === undefined) continue;
      if (++hops > MAX_LINK_HOPS) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: too many levels of links resolving "${printable(name)}"`, { input: this.path });
      // A symlink target is relative to the link's directory; a hard link names a path from the root.
      const base = member.type === 'symlink' ? parts.slice(0, i) : [];
      const target = member.linkTarget;
      if (member.type === 'symlink' && target.startsWith('/')) {
        throw new BulkheadError('UNSAFE_PATH', `${what}: member "${printable(prefix)}" links to the absolute path "${printable(target)}"`, { input: this.path });
      }
      const joined: string[] = [...base];
      for (const part of target.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
          if (joined.length === 0) throw new BulkheadError('UNSAFE_PATH', `${what}: member "${printable(prefix)}" links out of the archive ("${printable(target)}")`, { input: this.path });
          joined.pop();
        } else joined.push(part);
      }
      parts = [...joined, ...parts.slice(i + 1)];
      i = -1; // start over: the new prefix may hold links itself
    }
    return this.members.get(parts.join('/'));
  }

  /** The regular file at `name`, links followed; INPUT_INVALID naming `missing` when absent. */
  file(name: string, what = this.path): TarMember {
    const m = this.resolve(name, what);
    if (!m) throw new BulkheadError('INPUT_INVALID', `${what}: the archive has no "${printable(name)}"`, { input: this.path });
    if (m.type !== 'file') throw new BulkheadError('INPUT_INVALID', `${what}: "${printable(name)}" is not a regular file in the archive`, { input: this.path });
    return m;
  }

  has(name: string): boolean {
    return this.resolve(name)?.type === 'file';
  }

  /** Streams a member's bytes from the archive file. */
  stream(member: TarMember): Readable {
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.path, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 1 << 20 });
  }

  /** Reads a small member whole (manifests, configs): SIZE_LIMIT above `maxBytes`. */
  async read(member: TarMember, what: string, maxBytes: number = LIMITS.maxDocumentBytes): Promise<Buffer> {
    if (member.size > maxBytes) {
      throw new BulkheadError('SIZE_LIMIT', `${what}: ${member.size} bytes, over the ${maxBytes}-byte limit for a document`, { input: this.path });
    }
    const fh = await open(this.path, 'r');
    try {
      return await readExactly(fh, member.offset, member.size, what);
    } finally {
      await fh.close();
    }
  }
}

function fileError(e: unknown, path: string, what: string): BulkheadError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new BulkheadError('INPUT_NOT_FOUND', `${what}: no such file`, { input: path, cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new BulkheadError('INPUT_INVALID', `${what}: permission denied`, { input: path, cause: e });
  return new BulkheadError('INPUT_INVALID', `${what}: cannot read (${(e as Error).message})`, { input: path, cause: e });
}

async function readExactly(fh: FileHandle, position: number, length: number, what: string): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: truncated at byte ${position + got}`);
    got += bytesRead;
  }
  return buf;
}

interface PendingMeta {
  path?: string;
  linkpath?: string;
  size?: number;
}

async function readHeaders(fh: FileHandle, fileSize: number, what: string): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let pending: PendingMeta = {};
  let count = 0;
  if (fileSize === 0) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: the file is empty, not a tar archive`);
  for (;;) {
    if (pos >= fileSize) break; // ended on a member boundary without end blocks: accepted, as Go and GNU tar do
    const { bytesRead } = await fh.read(header, 0, BLOCK, pos);
    if (bytesRead < BLOCK) {
      if (pos === 0) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: not a tar archive (${fileSize} bytes, shorter than one header)`);
      throw corrupt(what, pos, count, `truncated at byte ${pos + bytesRead}`);
    }
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumOk(header)) throw corrupt(what, pos, count, `bad header checksum at byte ${pos}`);
    if (++count > LIMITS.maxEntriesPerLayer) throw new BulkheadError('SIZE_LIMIT', `${what}: more than ${LIMITS.maxEntriesPerLayer} members`);
    const typeflag = String.fromCharCode(header[156] ?? 0);
    let size = parseNumber(header.subarray(124, 136), what, pos);
    if (pending.size !== undefined) size = pending.size;
    const dataStart = pos + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > fileSize) throw corrupt(what, pos, count, `truncated at byte ${fileSize} (member at byte ${pos} needs ${size} bytes)`);
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_META_BYTES) throw corrupt(what, pos, count, `metadata header of ${size} bytes at byte ${pos}`);
      const data = await readExactly(fh, dataStart, size, what);
      if (typeflag === 'x') pending = { ...pending, ...parsePax(data, what, pos) };
      else if (typeflag === 'L') pending.path = cString(data);
      else pending.linkpath = cString(data);
      pos = next;
      continue;
    }
    if (typeflag === 'g') {
      pos = next; // global pax header: applies defaults we do not need (comments, mtimes)
      continue;
    }
    const ustar = header.subarray(257, 263).toString('latin1') === 'ustar\0';
    let name = cString(header.subarray(0, 100));
    if (ustar) {
      const prefix = cString(header.subarray(345, 500));
      if (prefix) name = `${prefix}/${name}`;
    }
    if (pending.path !== undefined) name = pending.path;
    let link = cString(header.subarray(157, 257));
    if (pending.linkpath !== undefined) link = pending.linkpath;
    pending = {};
    const type = memberType(typeflag, name);
    const clean = sanitizeEntryPath(name, what);
    if (clean !== '') {
      const member: TarMember = { name: clean, type, offset: dataStart, size: type === 'file' ? size : 0 };
      if (type === 'symlink' || type === 'hardlink') member.linkTarget = link;
      members.set(clean, member); // a later member of the same name replaces the earlier, as on extraction
    }
    pos = next;
  }
  if (count === 0) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: the archive holds no members`);
  return members;
}

function corrupt(what: string, pos: number, count: number, reason: string): BulkheadError {
  // The first header failing means this is not a tar file at all.
  if (count === 0 && pos === 0 && !reason.startsWith('truncated')) return new BulkheadError('ARCHIVE_CORRUPT', `${what}: not a tar archive (${reason})`);
  return new BulkheadError('ARCHIVE_CORRUPT', `${what}: ${reason}`);
}

function memberType(flag: string, name: string): TarMember['type'] {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return name.endsWith('/') ? 'dir' : 'file'; // old tars mark directories by the trailing slash only
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'dir';
    default:
      return 'other';
  }
}

/** ustar checksum: sum of header bytes with the checksum field read as spaces (signed sums accepted too). */
function checksumOk(h: Buffer): boolean {
  const stored = parseOctal(h.subarray(148, 156));
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

/** Sizes are octal, or base-256 with the high bit set for files of 8 GiB and more (GNU/star). */
function parseNumber(field: Buffer, what: string, pos: number): number {
  if ((field[0]! & 0x80) !== 0) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    if (!Number.isSafeInteger(n)) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: member size out of range at byte ${pos}`);
    return n;
  }
  const n = parseOctal(field);
  if (n === undefined) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: invalid size field at byte ${pos}`);
  return n;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

/** pax records: `LENGTH KEY=VALUE\n`, LENGTH counting the whole record in bytes. */
function parsePax(data: Buffer, what: string, pos: number): PendingMeta {
  const out: PendingMeta = {};
  let i = 0;
  while (i < data.length) {
    if (data[i] === 0) break;
    const space = data.indexOf(0x20, i);
    const len = space > i ? Number(data.subarray(i, space).toString('latin1')) : NaN;
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) {
      throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: malformed pax header at byte ${pos}`);
    }
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new BulkheadError('ARCHIVE_CORRUPT', `${what}: bad pax size at byte ${pos}`);
      out.size = Number(value);
    }
    i += len;
  }
  return out;
}
