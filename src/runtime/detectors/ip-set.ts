/**
 * A set of IPv4 and IPv6 CIDR blocks with a value per block, answering "which block holds this
 * address" with a binary search over disjoint ranges.
 *
 * Addresses follow RFC 4291 §2.2 (text forms, `::` compression, a dotted IPv4 tail) and RFC 4632 §3.1
 * (prefix notation). IPv4 lives in the IPv4-mapped IPv6 space of RFC 4291 §2.5.5.2, so
 * `::ffff:1.2.3.4` and `1.2.3.4` are the same address, as Node's `net.BlockList` treats them.
 *
 * CIDR blocks are either nested or disjoint, so the blocks flatten into disjoint segments, each
 * carrying its innermost block; a lookup then returns the most specific block (the longest prefix).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { BulkheadError } from '../../errors.js';

export interface IpBlock<T> {
  /** The block as written, after normalisation (`1.2.3.0/24`, `2001:db8::/32`). */
  entry: string;
  value: T;
}

export interface ParsedCidr {
  family: 4 | 6;
  /** First address: a uint32 for IPv4, a 128-bit bigint for IPv6. */
  start: bigint;
  end: bigint;
  prefix: number;
}

const V4_MAPPED = 0xffff_0000_0000n;
const MASK128 = (1n << 128n) - 1n;

/** Parses a dotted-quad IPv4 address to its 32-bit value; undefined when it is not one. */
function parseV4(text: string): bigint | undefined {
  if (!isIPv4(text)) return undefined;
  let value = 0n;
  for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part));
  return value;
}

/** Parses an IPv6 address (no zone) to its 128-bit value; undefined when it is not one. */
function parseV6(text: string): bigint | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let head = text;
  let tail: bigint[] = [];
  // A dotted IPv4 tail stands for the last two 16-bit groups (RFC 4291 §2.2, form 3).
  const lastColon = head.lastIndexOf(':');
  const last = head.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseV4(last);
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = head.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((g) => BigInt(`0x${g}`)));
  const halves = head.split('::');
  let all: bigint[];
  if (halves.length === 2) {
    const left = groups(halves[0]!);
    const right = [...groups(halves[1]!), ...tail];
    all = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  } else {
    all = [...groups(head), ...tail];
  }
  if (all.length !== 8) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952 §4.2: compress the longest run (of two or more) of zero groups, the first on a tie.
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/**
 * An address as a point in the 128-bit space (IPv4 mapped to `::ffff:a.b.c.d`), or undefined when the
 * text is not an address. A zone suffix (`fe80::1%eth0`) is ignored.
 */
export function addressToBigInt(address: string): bigint | undefined {
  const v4 = parseV4(address);
  if (v4 !== undefined) return V4_MAPPED | v4;
  const zone = address.indexOf('%');
  return parseV6(zone < 0 ? address : address.slice(0, zone));
}

/**
 * Parses `ADDRESS` or `ADDRESS/PREFIX`. Host bits below the prefix are cleared (`1.2.3.4/24` is
 * `1.2.3.0/24`), as routers and `net.BlockList` read them. Throws INPUT_INVALID naming the text.
 */
export function parseCidr(text: string): ParsedCidr {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const v4 = parseV4(addressText);
  const v6 = v4 === undefined ? parseV6(addressText) : undefined;
  if (v4 === undefined && v6 === undefined) {
    throw new BulkheadError('INPUT_INVALID', `"${text}" is not an IPv4 or IPv6 address or CIDR block`, { input: text });
  }
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/u.test(prefixText) || Number(prefixText) > bits) {
      throw new BulkheadError('INPUT_INVALID', `"${text}": the prefix length must be 0 to ${bits}`, { input: text });
    }
    prefix = Number(prefixText);
  }
  const value = (v4 ?? v6)!;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const start = value & ~hostMask & (family === 4 ? 0xffff_ffffn : MASK128);
  return { family, start, end: start | hostMask, prefix };
}

/** The normalised text of a parsed block. */
export function formatCidr(cidr: ParsedCidr): string {
  return `${cidr.family === 4 ? formatV4(cidr.start) : formatV6(cidr.start)}/${cidr.prefix}`;
}

interface Pending<T> {
  start: bigint;
  end: bigint;
  block: IpBlock<T>;
  order: number;
}

/** Disjoint sorted segments over the 128-bit space, each with its innermost block. */
interface Table<T> {
  starts: bigint[];
  ends: bigint[];
  blocks: IpBlock<T>[];
}

function flatten<T>(pending: Pending<T>[]): Table<T> {
  // Outer blocks first at equal starts; for the same block twice, the first added wins.
  const sorted = [...pending].sort((a, b) =>
    a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.end !== b.end ? (a.end > b.end ? -1 : 1) : a.order - b.order,
  );
  const table: Table<T> = { starts: [], ends: [], blocks: [] };
  const emit = (from: bigint, to: bigint, block: IpBlock<T>): void => {
    if (from > to) return;
    const n = table.blocks.length;
    // Adjacent pieces of one block (split around a nested block that was then closed) merge.
    if (n > 0 && table.blocks[n - 1] === block && table.ends[n - 1]! + 1n === from) {
      table.ends[n - 1] = to;
      return;
    }
    table.starts.push(from);
    table.ends.push(to);
    table.blocks.push(block);
  };
  const stack: Pending<T>[] = [];
  let cursor = 0n;
  const closeUntil = (limit: bigint): void => {
    while (stack.length > 0 && stack[stack.length - 1]!.end < limit) {
      const top = stack.pop()!;
      emit(cursor, top.end, top.block);
      cursor = top.end + 1n;
    }
  };
  for (const item of sorted) {
    const top = stack[stack.length - 1];
    if (top !== undefined && top.start === item.start && top.end === item.end) continue;
    closeUntil(item.start);
    const outer = stack[stack.length - 1];
    if (outer !== undefined) emit(cursor, item.start - 1n, outer.block);
    stack.push(item);
    cursor = item.start;
  }
  closeUntil(MASK128 + 1n);
  return table;
}

/**
 * A CIDR set with a value per block. `add` then `lookup`/`has`; the lookup table is rebuilt lazily
 * after additions.
 */
export class IpSet<T = undefined> {
  private pending: Pending<T>[] = [];
  private table: Table<T> | undefined;

  /** A set of the given blocks whose values are undefined. */
  static of(cidrs: Iterable<string>): IpSet {
    const set = new IpSet();
    for (const cidr of cidrs) set.add(cidr, undefined);
    return set;
  }

  /** Adds a block; throws INPUT_INVALID for text that is not an address or CIDR block. */
  add(cidr: string, value: T): void {
    const parsed = parseCidr(cidr);
    const block: IpBlock<T> = { entry: formatCidr(parsed), value };
    const start = parsed.family === 4 ? V4_MAPPED | parsed.start : parsed.start;
    const end = parsed.family === 4 ? V4_MAPPED | parsed.end : parsed.end;
    this.pending.push({ start, end, block, order: this.pending.length });
    this.table = undefined;
  }

  /** Number of blocks added (duplicates included). */
  get size(): number {
    return this.pending.length;
  }

  /** The most specific block holding the address; undefined when none does or it is not an address. */
  lookup(address: string): IpBlock<T> | undefined {
    const point = addressToBigInt(address);
    if (point === undefined) return undefined;
    const table = (this.table ??= flatten(this.pending));
    let lo = 0;
    let hi = table.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (table.ends[mid]! < point) lo = mid + 1;
      else if (table.starts[mid]! > point) hi = mid - 1;
      else return table.blocks[mid];
    }
    return undefined;
  }

  has(address: string): boolean {
    return this.lookup(address) !== undefined;
  }
}
