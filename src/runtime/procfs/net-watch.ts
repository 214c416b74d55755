/**
 * The network half of the /proc polling probe: reads the socket tables of each network namespace the
 * watched processes live in (one representative pid per namespace, /proc/PID/net/*), and turns new
 * sockets into `listen` and `connect` events. A table lists every socket of the namespace, so sockets
 * are attributed by their inode to a watched process through its /proc/PID/fd links; the fd links are
 * read only when a table holds a socket not yet decided, and only for watched processes.
 */
import type { NetProbeEvent } from '../probes/probe-event.js';
import {
  parseNetTable,
  TCP_CLOSE,
  TCP_ESTABLISHED,
  TCP_LISTEN,
  TCP_SYN_SENT,
  type NetSocketEntry,
} from './net-table.js';
import { listProcDir, readProcLink, readProcText, type ProcErrorHandler } from './proc-read.js';
import { socketInodeFromLink } from './socket-link.js';

export interface WatchedProcess {
  comm: string;
  /** `net:[INODE]` link text of /proc/PID/ns/net. */
  netns: string;
}

const TABLES = [
  { file: 'tcp', protocol: 'tcp' },
  { file: 'tcp6', protocol: 'tcp' },
  { file: 'udp', protocol: 'udp' },
  { file: 'udp6', protocol: 'udp' },
] as const;

/** Linux's default net.ipv4.ip_local_port_range, used when the file cannot be read. */
const DEFAULT_EPHEMERAL: [number, number] = [32768, 60999];

/** Polls without an owner before a socket is taken to belong to an unwatched process. */
const UNOWNED_POLLS = 2;

interface Candidate {
  entry: NetSocketEntry;
  kind: 'connect' | 'listen';
}

export class NetWatch {
  /** Inodes reported, or decided to belong to processes outside the watch. */
  private readonly decided = new Set<string>();
  private readonly unowned = new Map<string, number>();
  private readonly ephemeral: [number, number];

  constructor(
    private readonly procRoot: string,
    private readonly onError: ProcErrorHandler,
  ) {
    const range = readProcText(`${procRoot}/sys/net/ipv4/ip_local_port_range`, () => {});
    const [low, high] = (range ?? '').trim().split(/\s+/).map(Number);
    this.ephemeral = low && high ? [low, high] : DEFAULT_EPHEMERAL;
  }

  /** One poll over the watched processes (host pid → details); returns the new events. */
  poll(processes: ReadonlyMap<number, WatchedProcess>): NetProbeEvent[] {
    const representative = new Map<string, number>();
    for (const [pid, p] of processes) if (!representative.has(p.netns)) representative.set(p.netns, pid);
    const live = new Set<string>();
    const candidates: Candidate[] = [];
    for (const pid of representative.values()) {
      const entries = TABLES.flatMap(({ file, protocol }) => {
        const text = readProcText(`${this.procRoot}/${pid}/net/${file}`, this.onError);
        return text === undefined ? [] : parseNetTable(text, protocol);
      });
      const listening = new Set(entries.filter((e) => e.state === TCP_LISTEN).map((e) => e.localPort));
      for (const entry of entries) {
        if (entry.inode === '0') continue;
        live.add(entry.inode);
        if (this.decided.has(entry.inode)) continue;
        const kind = this.classify(entry, listening);
        if (kind) candidates.push({ entry, kind });
      }
    }
    for (const inode of this.decided) if (!live.has(inode)) this.decided.delete(inode);
    for (const inode of this.unowned.keys()) if (!live.has(inode)) this.unowned.delete(inode);
    if (candidates.length === 0) return [];

    const owners = this.socketOwners(processes, new Set(candidates.map((c) => c.entry.inode)));
    const events: NetProbeEvent[] = [];
    for (const { entry, kind } of candidates) {
      const pid = owners.get(entry.inode);
      if (pid === undefined) {
        // The owner may be a process that started after this poll's process scan: give it a poll.
        const polls = (this.unowned.get(entry.inode) ?? 0) + 1;
        if (polls >= UNOWNED_POLLS) {
          this.unowned.delete(entry.inode);
          this.decided.add(entry.inode);
        } else this.unowned.set(entry.inode, polls);
        continue;
      }
      this.decided.add(entry.inode);
      this.unowned.delete(entry.inode);
      const listen = kind === 'listen';
      events.push({
        kind,
        pid,
        comm: processes.get(pid)!.comm,
        family: entry.family,
        address: listen ? entry.localAddress : entry.remoteAddress,
        port: listen ? entry.localPort : entry.remotePort,
        protocol: entry.protocol,
      });
    }
    return events;
  }

  /**
   * TCP: LISTEN is a listener; SYN_SENT, or ESTABLISHED on a port nobody listens on, is an outbound
   * connection (an accepted connection keeps the listener's local port). UDP: a connected socket is
   * an outbound flow; an unconnected one bound outside the ephemeral range is taken as a listener
   * (a client's implicit bind always lands inside that range).
   */
  private classify(entry: NetSocketEntry, listening: Set<number>): 'connect' | 'listen' | undefined {
    if (entry.protocol === 'tcp') {
      if (entry.state === TCP_LISTEN) return 'listen';
      if (entry.state === TCP_SYN_SENT) return 'connect';
      if (entry.state === TCP_ESTABLISHED && !listening.has(entry.localPort)) return 'connect';
      return undefined;
    }
    if (entry.state === TCP_ESTABLISHED) return 'connect';
    const [low, high] = this.ephemeral;
    if (entry.state === TCP_CLOSE && entry.localPort !== 0 && (entry.localPort < low || entry.localPort > high)) {
      return 'listen';
    }
    return undefined;
  }

  /** Socket inode → lowest watched pid holding it, among the wanted inodes. */
  private socketOwners(processes: ReadonlyMap<number, WatchedProcess>, wanted: Set<string>): Map<string, number> {
    const owners = new Map<string, number>();
    const pids = [...processes.keys()].sort((a, b) => a - b);
    for (const pid of pids) {
      if (owners.size === wanted.size) break;
      const dir = `${this.procRoot}/${pid}/fd`;
      for (const fd of listProcDir(dir, this.onError) ?? []) {
        const link = readProcLink(`${dir}/${fd}`, this.onError);
        const inode = link === undefined ? undefined : socketInodeFromLink(link);
        if (inode !== undefined && wanted.has(inode) && !owners.has(inode)) owners.set(inode, pid);
      }
    }
    return owners;
  }
}
