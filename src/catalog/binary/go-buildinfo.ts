import { PF_W, PT_LOAD, addressToOffset, isElf, parseElf, type ElfFile } from './elf.js';

/**
 * The build information the Go linker embeds in every binary (Go's debug/buildinfo package is the
 * reference; `go version -m` prints it): a 32-byte header starting `\xff Go buildinf:`, aligned to 16
 * bytes, in the `.go.buildinfo` section or, without section headers, at the start of the writable
 * data. Go 1.18+ writes the version and module strings inline after the header; older linkers wrote
 * two pointers to Go string headers, which are followed through the ELF program headers.
 */
export interface GoBuildInfoRaw {
  /** `go1.21.5`, as the linker recorded it. */
  goVersion: string;
  /** The module text (`path`, `mod`, `dep`, `=>`, `build` lines), framing removed; '' when absent. */
  modinfo: string;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const ALIGN = 16;
const HEADER = 32;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE = 2;
/** Strings are bounded by the file itself; this only stops a hostile length from overflowing. */
const MAX_STRING = 2 ** 31;

/** Sections every Go ELF binary carries, stripped (`-s -w`) or not. */
const GO_SECTIONS = new Set(['.go.buildinfo', '.gopclntab', '.note.go.buildid', '.data.rel.ro.gopclntab']);

const MACHO_MAGICS = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]);

/** True for the executable formats Go builds: ELF, Mach-O, PE. */
export function looksExecutable(data: Buffer): boolean {
  if (isElf(data)) return true;
  if (data.length < 64) return false;
  if (MACHO_MAGICS.has(data.readUInt32BE(0))) return true;
  return data[0] === 0x4d && data[1] === 0x5a; // "MZ": PE
}

export function readGoBuildInfo(data: Buffer): GoBuildInfoRaw | undefined {
  if (!looksExecutable(data)) return undefined;
  const elf = isElf(data) ? parseElf(data) : undefined;
  // Go's linker always names its sections; an ELF file with section names but none of Go's is not
  // a Go program, and the scan below is skipped
  if (elf && elf.sections.length > 0 && !elf.sections.some((s) => GO_SECTIONS.has(s.name))) return undefined;
  for (const start of candidates(data, elf)) {
    const info = decodeAt(data, start, elf);
    if (info) return info;
  }
  return undefined;
}

/** Header offsets to try, most specific first. */
function* candidates(data: Buffer, elf: ElfFile | undefined): Generator<number> {
  if (elf) {
    const section = elf.sections.find((s) => s.name === '.go.buildinfo');
    if (section && section.size >= HEADER) yield section.offset;
    for (const seg of elf.segments) {
      if (seg.type === PT_LOAD && seg.flags & PF_W) yield* scan(data, seg.offset, seg.offset + seg.filesz);
    }
  }
  // Mach-O, PE, and ELF files whose headers were rewritten: an aligned magic anywhere
  yield* scan(data, 0, data.length);
}

function* scan(data: Buffer, from: number, to: number): Generator<number> {
  const end = Math.min(to, data.length);
  let i = data.indexOf(MAGIC, from);
  while (i >= 0 && i + HEADER <= end) {
    if ((i - from) % ALIGN === 0) yield i;
    i = data.indexOf(MAGIC, i + 1);
  }
}

function decodeAt(data: Buffer, at: number, elf: ElfFile | undefined): GoBuildInfoRaw | undefined {
  if (at + HEADER > data.length || !data.subarray(at, at + MAGIC.length).equals(MAGIC)) return undefined;
  const ptrSize = data[at + 14] ?? 0;
  const flags = data[at + 15] ?? 0;
  let version: Buffer | undefined;
  let mod: Buffer | undefined;
  if (flags & FLAG_INLINE) {
    const v = uvarintString(data, at + HEADER);
    if (!v) return undefined;
    const m = uvarintString(data, v.next);
    version = v.value;
    mod = m?.value;
  } else {
    if (!elf || (ptrSize !== 4 && ptrSize !== 8)) return undefined;
    // before Go 1.18 the second byte is only an endianness flag
    const big = (flags & FLAG_BIG_ENDIAN) !== 0;
    const readPtr = (o: number): bigint | undefined => {
      if (o < 0 || o + ptrSize > data.length) return undefined;
      if (ptrSize === 8) return big ? data.readBigUInt64BE(o) : data.readBigUInt64LE(o);
      return BigInt(big ? data.readUInt32BE(o) : data.readUInt32LE(o));
    };
    const goString = (headerAddr: bigint | undefined): Buffer | undefined => {
      if (headerAddr === undefined) return undefined;
      const h = addressToOffset(elf, headerAddr);
      if (h === undefined) return undefined;
      const ptr = readPtr(h);
      const len = readPtr(h + ptrSize);
      if (ptr === undefined || len === undefined || len > BigInt(MAX_STRING)) return undefined;
      if (len === 0n) return Buffer.alloc(0);
      const off = addressToOffset(elf, ptr);
      if (off === undefined || off + Number(len) > data.length) return undefined;
      return data.subarray(off, off + Number(len));
    };
    version = goString(readPtr(at + 16));
    mod = goString(readPtr(at + 16 + ptrSize));
  }
  if (!version || version.length === 0) return undefined;
  return { goVersion: version.toString('utf8'), modinfo: mod ? unframe(mod) : '' };
}

/**
 * cmd/go frames the module text with two 16-byte sentinels so it can be found in a binary;
 * debug/buildinfo drops them when the text ends `\n` + sentinel.
 */
function unframe(bytes: Buffer): string {
  if (bytes.length >= 33 && bytes[bytes.length - 17] === 0x0a) return bytes.toString('utf8', 16, bytes.length - 16);
  return '';
}

/** A string prefixed by its length as an unsigned varint (encoding/binary.Uvarint). */
function uvarintString(data: Buffer, at: number): { value: Buffer; next: number } | undefined {
  let len = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = data[i++];
    if (b === undefined || shift > 28) return undefined;
    len += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
  }
  if (i + len > data.length) return undefined;
  return { value: data.subarray(i, i + len), next: i + len };
}
