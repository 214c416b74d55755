/**
 * Parser for the socket tables /proc/PID/net/{tcp,tcp6,udp,udp6} (proc(5); kernel
 * net/ipv4/tcp_ipv4.c get_tcp4_sock, net/ipv6/tcp_ipv6.c get_tcp6_sock, net/ipv4/udp.c).
 *
 * The kernel prints each address as the in-memory 32-bit words of the network-order address, with
 * `%08X`: IPv4 is one word, IPv6 four. The word is read in the host's byte order, so on a
 * little-endian machine `127.0.0.1` appears as `0100007F`. Ports are printed after ntohs, as plain
 * hex numbers. Text forms follow inet_ntop (net.SocketAddress uses the same algorithm), which is
 * what the bpftrace probe's `ntop()` prints, so both probes name addresses alike.
 */
import { endianness } from 'node:os';
import { SocketAddress } from 'node:net';

/** TCP states of include/net/tcp_states.h that the probe cares about. */
export const TCP_ESTABLISHED = 0x01;
export const TCP_SYN_SENT = 0x02;
/** TCP_CLOSE: an unconnected UDP socket shows this state. */
export const TCP_CLOSE = 0x07;
export const TCP_LISTEN = 0x0a;

export interface NetSocketEntry {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Numeric state (TCP_* above). */
  state: number;
  uid: number;
  /** Socket inode as decimal text; '0' for sockets without one (TIME_WAIT). */
  inode: string;
}

const littleEndian = endianness() === 'LE';

/** Decodes one kernel hex address (8 hex digits for IPv4, 32 for IPv6) to its text form. */
export function decodeHexAddress(hex: string): string | undefined {
  if (!/^(?:[0-9A-Fa-f]{8}){1,4}$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined;
  const bytes = Buffer.alloc(hex.length / 2);
  for (let word = 0; word < hex.length / 8; word++) {
    const value = parseInt(hex.slice(word * 8, word * 8 + 8), 16);
    if (littleEndian) bytes.writeUInt32LE(value, word * 4);
    else bytes.writeUInt32BE(value, word * 4);
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** Decodes `ADDRESS:PORT` as the tables print it. */
export function decodeHexEndpoint(text: string): { address: string; port: number } | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const address = decodeHexAddress(text.slice(0, colon));
  const portHex = text.slice(colon + 1);
  if (address === undefined || !/^[0-9A-Fa-f]{4}$/.test(portHex)) return undefined;
  return { address, port: parseInt(portHex, 16) };
}

/** Parses one data line of a table; undefined for the header and anything malformed. */
export function parseNetLine(line: string, protocol: 'tcp' | 'udp'): NetSocketEntry | undefined {
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
  const f = line.trim().split(/\s+/);
  if (f.length < 10 || !/^\d+:$/.test(f[0]!)) return undefined;
  const local = decodeHexEndpoint(f[1]!);
  const remote = decodeHexEndpoint(f[2]!);
  if (!local || !remote || !/^[0-9A-Fa-f]{2}$/.test(f[3]!) || !/^\d+$/.test(f[7]!) || !/^\d+$/.test(f[9]!)) {
    return undefined;
  }
  return {
    protocol,
    family: f[1]!.indexOf(':') === 8 ? 4 : 6,
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: remote.address,
    remotePort: remote.port,
    state: parseInt(f[3]!, 16),
    uid: Number(f[7]),
    inode: f[9]!,
  };
}

/** Parses a whole table (header line included). */
export function parseNetTable(text: string, protocol: 'tcp' | 'udp'): NetSocketEntry[] {
  const entries: NetSocketEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseNetLine(line, protocol);
    if (entry) entries.push(entry);
  }
  return entries;
}
