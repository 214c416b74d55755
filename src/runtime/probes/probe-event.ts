/**
 * Raw events from a probe (the bpftrace program, or /proc polling where eBPF is unavailable), before
 * they are attributed to a container. Host pids throughout.
 */
import type { KernelExec } from './exec-program.js';
import type { UsageCounts } from '../usage/usage-program.js';

export interface ExecProbeEvent extends KernelExec {
  kind: 'exec';
}

export interface NetProbeEvent {
  kind: 'connect' | 'listen';
  pid: number;
  comm: string;
  family: 4 | 6;
  /** Canonical text form (`127.0.0.1`, `::1`); for listen the bound address (`0.0.0.0`, `::`). */
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface ForkProbeEvent {
  kind: 'fork';
  /** The parent (the process that forked). */
  pid: number;
  childPid: number;
  comm: string;
}

export interface ExitProbeEvent {
  kind: 'exit';
  pid: number;
}

export interface WriteProbeEvent {
  kind: 'write';
  pid: number;
  comm: string;
  /** Path as the process passed it (relative paths are relative to its working directory). */
  file: string;
  /** chmod that sets an execute bit, rather than an open for writing. */
  chmodExec: boolean;
}

export interface SetuidProbeEvent {
  kind: 'setuid';
  pid: number;
  comm: string;
  fromUid: number;
  toUid: number;
}

export interface PtraceProbeEvent {
  kind: 'ptrace';
  pid: number;
  comm: string;
  targetPid: number;
  request: number;
}

/** One interval of in-kernel usage counts (files read, capabilities, system calls) per mount namespace. */
export interface UsageCountsProbeEvent extends UsageCounts {
  kind: 'usage-counts';
}

export type ProbeEvent =
  | ExecProbeEvent
  | NetProbeEvent
  | ForkProbeEvent
  | ExitProbeEvent
  | WriteProbeEvent
  | SetuidProbeEvent
  | PtraceProbeEvent
  | UsageCountsProbeEvent;

/** A running probe. */
export interface EventProbe {
  /** Where events come from; `procfs` is the polling fallback, announced as such by the agent. */
  readonly source: 'bpftrace' | 'procfs';
  /** True when the probe mounted tracefs itself. */
  readonly mountedTracefs: boolean;
  stop(): Promise<void>;
}
