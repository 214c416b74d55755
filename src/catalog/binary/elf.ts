/**
 * Just enough ELF (System V ABI, "Object Files", ELF-64 Object File Format) to find a named section
 * and map virtual addresses to file offsets. Every offset read is bounds-checked: the input is an
 * arbitrary file from an image.
 */

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export const PT_LOAD = 1;
export const PF_W = 2;
const SHT_NOBITS = 8;

export function isElf(data: Buffer): boolean {
  return data.length >= 52 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

/** Parses the headers; undefined when the file is not a well-formed ELF file. */
export function parseElf(data: Buffer): ElfFile | undefined {
  if (!isElf(data)) return undefined;
  const cls = data[4];
  const enc = data[5];
  if ((cls !== 1 && cls !== 2) || (enc !== 1 && enc !== 2)) return undefined;
  const is64 = cls === 2;
  const le = enc === 1;
  const r = reader(data, le);
  if (is64 && data.length < 64) return undefined;
  const phoff = is64 ? r.u64(0x20) : r.u32(0x1c);
  const shoff = is64 ? r.u64(0x28) : r.u32(0x20);
  const phentsize = r.u16(is64 ? 0x36 : 0x2a);
  const phnum = r.u16(is64 ? 0x38 : 0x2c);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  const shnum = r.u16(is64 ? 0x3c : 0x30);
  const shstrndx = r.u16(is64 ? 0x3e : 0x32);

  const segments: ElfSegment[] = [];
  if (phoff > 0 && phentsize >= (is64 ? 56 : 32)) {
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (o + phentsize > data.length) break;
      segments.push(
        is64
          ? { type: r.u32(o), flags: r.u32(o + 4), offset: r.u64(o + 8), vaddr: r.big(o + 16), filesz: r.u64(o + 32) }
          : { type: r.u32(o), offset: r.u32(o + 4), vaddr: BigInt(r.u32(o + 8)), filesz: r.u32(o + 16), flags: r.u32(o + 24) },
      );
    }
  }

  const raw: { nameOff: number; type: number; addr: bigint; offset: number; size: number }[] = [];
  if (shoff > 0 && shentsize >= (is64 ? 64 : 40)) {
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      if (o + shentsize > data.length) break;
      raw.push(
        is64
          ? { nameOff: r.u32(o), type: r.u32(o + 4), addr: r.big(o + 16), offset: r.u64(o + 24), size: r.u64(o + 32) }
          : { nameOff: r.u32(o), type: r.u32(o + 4), addr: BigInt(r.u32(o + 12)), offset: r.u32(o + 16), size: r.u32(o + 20) },
      );
    }
  }
  const strtab = raw[shstrndx];
  const sections: ElfSection[] = raw.map((s) => ({
    name: strtab ? cString(data, strtab.offset + s.nameOff, strtab.offset + strtab.size) : '',
    type: s.type,
    addr: s.addr,
    offset: s.offset,
    size: s.type === SHT_NOBITS ? 0 : s.size,
  }));
  return { is64, littleEndian: le, sections, segments };
}

/** The bytes of a named section, or undefined when absent or out of the file's bounds. */
export function sectionData(elf: ElfFile, data: Buffer, name: string): Buffer | undefined {
  const s = elf.sections.find((x) => x.name === name);
  if (!s || s.size === 0 || s.offset + s.size > data.length) return undefined;
  return data.subarray(s.offset, s.offset + s.size);
}

/** Maps a virtual address to a file offset through the PT_LOAD program headers. */
export function addressToOffset(elf: ElfFile, addr: bigint): number | undefined {
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD) continue;
    if (addr >= seg.vaddr && addr < seg.vaddr + BigInt(seg.filesz)) return seg.offset + Number(addr - seg.vaddr);
  }
  return undefined;
}

function cString(data: Buffer, start: number, end: number): string {
  if (start >= data.length) return '';
  const stop = data.indexOf(0, start);
  return data.toString('latin1', start, Math.min(stop < 0 ? data.length : stop, end, data.length));
}

function reader(data: Buffer, le: boolean) {
  const inRange = (o: number, n: number) => o >= 0 && o + n <= data.length;
  return {
    u16: (o: number) => (inRange(o, 2) ? (le ? data.readUInt16LE(o) : data.readUInt16BE(o)) : 0),
    u32: (o: number) => (inRange(o, 4) ? (le ? data.readUInt32LE(o) : data.readUInt32BE(o)) : 0),
    big: (o: number) => (inRange(o, 8) ? (le ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o)) : 0n),
    /** 64-bit offsets and sizes; anything past 2^53 is out of any buffer's bounds anyway. */
    u64: (o: number) => {
      const v = inRange(o, 8) ? (le ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o)) : 0n;
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    },
  };
}
