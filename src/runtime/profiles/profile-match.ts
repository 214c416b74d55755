/**
 * Whether a profile already allows something: shared by learning (add only what is not covered, so a
 * learned observation never deviates) and by deviation checks.
 */
import { BlockList } from 'node:net';
import { globToRegExp } from '../../findings/index.js';
import { parseAddressOrCidr, type BehaviourProfile, type OutboundEntry } from './schema.js';

/** Compiled forms are cached by their text; profiles are few and their entries change rarely. */
const MAX_CACHED = 4096;
const globCache = new Map<string, RegExp>();
const addressCache = new Map<string, BlockList>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Writes globs are absolute; the shared glob syntax (src/findings/path-glob.ts) matches without the leading slash. */
export function pathMatchesGlob(path: string, glob: string): boolean {
  const re = cached(globCache, glob, () => globToRegExp(glob));
  return re.test(path.replace(/^\/+/u, ''));
}

/** An address in an entry's address or CIDR block (IPv4-mapped IPv6 counts as IPv4, as in net.BlockList). */
export function addressMatches(address: string, entry: string): boolean {
  const list = cached(addressCache, entry, () => {
    const b = new BlockList();
    const parsed = parseAddressOrCidr(entry);
    if (parsed) {
      const type = parsed.family === 4 ? 'ipv4' : 'ipv6';
      if (parsed.prefix === undefined) b.addAddress(parsed.address, type);
      else b.addSubnet(parsed.address, parsed.prefix, type);
    }
    return b;
  });
  const family = parseAddressOrCidr(address);
  if (!family || family.prefix !== undefined) return false;
  return list.check(address, family.family === 4 ? 'ipv4' : 'ipv6');
}

export function outboundMatches(entry: OutboundEntry, destination: { address: string; port: number; protocol: 'tcp' | 'udp' }): boolean {
  return entry.protocol === destination.protocol && (entry.port === undefined || entry.port === destination.port) && addressMatches(destination.address, entry.address);
}

export const covers = {
  executable: (p: BehaviourProfile, path: string): boolean => p.executables.includes(path),
  process: (p: BehaviourProfile, parent: string, child: string): boolean => p.processes.some((x) => x.parent === parent && x.child === child),
  listen: (p: BehaviourProfile, protocol: 'tcp' | 'udp', port: number): boolean => p.listening.some((x) => x.protocol === protocol && x.port === port),
  outbound: (p: BehaviourProfile, d: { address: string; port: number; protocol: 'tcp' | 'udp' }): boolean => p.outbound.some((x) => outboundMatches(x, d)),
  write: (p: BehaviourProfile, file: string): boolean => p.writes.some((g) => pathMatchesGlob(file, g)),
};
