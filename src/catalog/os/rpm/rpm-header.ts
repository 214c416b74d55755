/**
 * The rpm header structure as the rpm database stores it (RPM file format, "Header Structure";
 * rpm's lib/header.c): optionally the 8-byte header intro (magic 8e ad e8 01, 4 reserved bytes),
 * then big-endian `il` (index entry count) and `dl` (data length), `il` 16-byte index entries
 * (tag, type, offset, count) and the `dl`-byte data store. Every offset is checked: the bytes come
 * from an image and may be hostile.
 */

/** Tags read by Bulkhead (rpm's include/rpm/rpmtag.h). */
export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILEMODES: 1030,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  MODULARITYLABEL: 5096,
} as const;

/** rpm's rpmTagType. */
const TYPE = { CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;
const HEADER_MAGIC = 0x8eade801;
/** rpm's own sanity limits (lib/header.c: HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

export class RpmHeader {
  private constructor(
    private readonly entries: Map<number, IndexEntry>,
    private readonly data: Buffer,
  ) {}

  /** Parses a header blob; throws an Error naming the reason when it is malformed. */
  static parse(blob: Buffer): RpmHeader {
    let start = 0;
    if (blob.length >= 8 && blob.readUInt32BE(0) === HEADER_MAGIC) start = 8;
    if (blob.length < start + 8) throw new Error('header shorter than its preamble');
    const il = blob.readUInt32BE(start);
    const dl = blob.readUInt32BE(start + 4);
    if (il < 1 || il > MAX_ENTRIES) throw new Error(`header index count ${il} out of range`);
    if (dl > MAX_DATA) throw new Error(`header data length ${dl} out of range`);
    const dataStart = start + 8 + il * 16;
    if (dataStart + dl > blob.length) throw new Error('header data runs past the end of the blob');
    const data = blob.subarray(dataStart, dataStart + dl);
    const entries = new Map<number, IndexEntry>();
    for (let i = 0; i < il; i++) {
      const at = start + 8 + i * 16;
      const tag = blob.readUInt32BE(at);
      const entry = { type: blob.readUInt32BE(at + 4), offset: blob.readInt32BE(at + 8), count: blob.readUInt32BE(at + 12) };
      if (entry.offset < 0 || entry.offset > dl) throw new Error(`tag ${tag} points outside the data`);
      // the first occurrence wins, as in rpm's header lookup of a sorted index
      if (!entries.has(tag)) entries.set(tag, entry);
    }
    return new RpmHeader(entries, data);
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING, or the first string of a STRING_ARRAY or I18NSTRING (the C locale). */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e || (e.type !== TYPE.STRING && e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.I18NSTRING)) return undefined;
    return this.readStrings(e.offset, 1)[0];
  }

  strings(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e || (e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.STRING && e.type !== TYPE.I18NSTRING)) return undefined;
    return this.readStrings(e.offset, e.type === TYPE.STRING ? 1 : e.count);
  }

  /** INT8/INT16/INT32 values (unsigned, as rpm prints them). */
  numbers(tag: number): number[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    const size = e.type === TYPE.INT32 ? 4 : e.type === TYPE.INT16 ? 2 : e.type === TYPE.INT8 || e.type === TYPE.CHAR ? 1 : 0;
    if (size === 0) return undefined;
    if (e.offset + e.count * size > this.data.length) throw new Error(`tag ${tag} array runs past the data`);
    const out: number[] = new Array(e.count);
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * size;
      out[i] = size === 4 ? this.data.readUInt32BE(at) : size === 2 ? this.data.readUInt16BE(at) : this.data[at]!;
    }
    return out;
  }

  number(tag: number): number | undefined {
    return this.numbers(tag)?.[0];
  }

  private readStrings(offset: number, count: number): string[] {
    const out: string[] = [];
    let at = offset;
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) throw new Error('string without terminator');
      out.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  }
}
