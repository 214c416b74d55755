/**
 * rpm's own "ndb" backend `Packages.db` (SUSE since 15.3; rpm's lib/backend/ndb/rpmpkg.c): a
 * 32-byte header (magic "RpmP", version, generation, slot page count, next package index), slot
 * pages of 16-byte slots (magic "Slot", package index, block offset, block count), and blobs in
 * 16-byte blocks: a 16-byte blob head (magic "BlbS", package index, generation, length), the header
 * blob, and a tail. All integers are little-endian.
 */
const DB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_MAGIC = 0x53626c42; // "BlbS"
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const PAGE_SIZE = 4096;

export function isNdb(file: Buffer): boolean {
  return file.length >= HEADER_SIZE && file.readUInt32LE(0) === DB_MAGIC;
}

export function readNdbRpmdb(file: Buffer): Buffer[] {
  if (!isNdb(file)) throw new Error('not an ndb Packages.db');
  const slotPages = file.readUInt32LE(12);
  const slotEnd = slotPages * PAGE_SIZE;
  if (slotPages === 0 || slotEnd > file.length) throw new Error(`slot page count ${slotPages} is out of range`);
  const blobs: Buffer[] = [];
  for (let at = HEADER_SIZE; at + SLOT_SIZE <= slotEnd; at += SLOT_SIZE) {
    if (file.readUInt32LE(at) !== SLOT_MAGIC) throw new Error(`bad slot at offset ${at}`);
    const pkgIndex = file.readUInt32LE(at + 4);
    if (pkgIndex === 0) continue; // free slot
    const start = file.readUInt32LE(at + 8) * BLOCK_SIZE;
    const size = file.readUInt32LE(at + 12) * BLOCK_SIZE;
    if (start < slotEnd || start + size > file.length || size < 2 * BLOCK_SIZE) throw new Error(`slot for package ${pkgIndex} points outside the file`);
    if (file.readUInt32LE(start) !== BLOB_MAGIC || file.readUInt32LE(start + 4) !== pkgIndex) throw new Error(`blob of package ${pkgIndex} has a bad head`);
    const length = file.readUInt32LE(start + 12);
    if (16 + length > size) throw new Error(`blob of package ${pkgIndex} is longer than its blocks`);
    blobs.push(file.subarray(start + 16, start + 16 + length));
  }
  return blobs;
}
