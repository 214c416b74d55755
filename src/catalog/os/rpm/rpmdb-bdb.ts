/**
 * rpm's Berkeley DB `Packages` file (rpm < 4.16 and RHEL/CentOS ≤ 8): a Berkeley DB hash database
 * whose values are header blobs. Read page by page following Berkeley DB's on-disk layout
 * (dbinc/db_page.h): a metadata page, hash pages of key/data item pairs, and overflow page chains
 * for values too large for one page. Byte order is the writer's; the metadata magic tells it.
 */
const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
/** db_page.h page types. */
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASH = 13;
/** db_page.h hash item types. */
const H_KEYDATA = 1;
const H_OFFPAGE = 3;

export function isBerkeleyHash(file: Buffer): boolean {
  return file.length >= 512 && (file.readUInt32LE(12) === HASH_MAGIC || file.readUInt32BE(12) === HASH_MAGIC);
}

export function readBerkeleyRpmdb(file: Buffer): Buffer[] {
  if (!isBerkeleyHash(file)) throw new Error('not a Berkeley DB hash database');
  const le = file.readUInt32LE(12) === HASH_MAGIC;
  const u16 = (at: number) => (le ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new Error(`page size ${pageSize} is invalid`);
  if (file[24] !== 0) throw new Error('encrypted Berkeley DB databases are not supported');
  const pages = Math.floor(file.length / pageSize);
  const values: Buffer[] = [];

  const overflow = (first: number, total: number): Buffer => {
    const parts: Buffer[] = [];
    let got = 0;
    let pgno = first;
    for (let hops = 0; pgno !== 0 && got < total; hops++) {
      if (pgno >= pages || hops > pages) throw new Error(`overflow chain leaves the file at page ${pgno}`);
      const base = pgno * pageSize;
      if (file[base + 25] !== P_OVERFLOW) throw new Error(`page ${pgno} is not an overflow page`);
      const len = Math.min(u16(base + 22), pageSize - PAGE_HEADER, total - got);
      parts.push(file.subarray(base + PAGE_HEADER, base + PAGE_HEADER + len));
      got += len;
      pgno = u32(base + 16);
    }
    if (got !== total) throw new Error('overflow chain ends early');
    return Buffer.concat(parts);
  };

  for (let pgno = 1; pgno < pages; pgno++) {
    const base = pgno * pageSize;
    const type = file[base + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(base + 20);
    if (PAGE_HEADER + entries * 2 > pageSize) throw new Error(`page ${pgno} has too many entries`);
    // items are stored from the end of the page backwards; pairs are key, data
    const item = (i: number): Buffer => {
      const offset = u16(base + PAGE_HEADER + i * 2);
      const end = i === 0 ? pageSize : u16(base + PAGE_HEADER + (i - 1) * 2);
      if (offset < PAGE_HEADER + entries * 2 || end > pageSize || end <= offset) throw new Error(`page ${pgno} item ${i} is out of bounds`);
      return file.subarray(base + offset, base + end);
    };
    for (let i = 1; i < entries; i += 2) {
      // key 0 is not a package: rpm keeps its next header instance number there
      const key = item(i - 1);
      if (key[0] === H_KEYDATA && key.length === 5 && key.readUInt32LE(1) === 0) continue;
      const data = item(i);
      if (data[0] === H_KEYDATA) values.push(data.subarray(1));
      else if (data[0] === H_OFFPAGE && data.length >= 12) {
        const first = le ? data.readUInt32LE(4) : data.readUInt32BE(4);
        const total = le ? data.readUInt32LE(8) : data.readUInt32BE(8);
        values.push(overflow(first, total));
      }
    }
  }
  return values;
}
