/**
 * What the probes saw, after attribution to a container: the input of detectors and profiles.
 * Probes (bpftrace, /proc polling) produce these; detectors and profiles are pure over them.
 */
import type { ContainerRef } from './types.js';

/** What the agent knows about a container beyond its reference. */
export interface ContainerContext {
  ref: ContainerRef;
  /** Repository part of the image reference without registry, tag or digest: `library/redis` -> `redis`. */
  imageName: string;
  /** `Config.User` of the container ('' = image default). */
  user: string;
  /** Effective uid of the container's first process, when known. */
  uid?: number;
  /** Host pid of the container's first process. */
  pid: number;
  /** ISO 8601 start time. */
  startedAt: string;
  /** Engine labels of the container (e.g. compose service names). */
  labels: Record<string, string>;
}

interface ObservationBase {
  /** Milliseconds since the epoch. */
  timeMs: number;
  container: ContainerContext;
  /** Host pid of the process. */
  pid: number;
  /** Executable path of the process inside the container ('' when unknown). */
  path: string;
  /** Short command name (comm), always known. */
  comm: string;
}

export interface ExecObservation extends ObservationBase {
  kind: 'exec';
  ppid: number;
  /** Executable of the parent ('' when the parent is outside the container, e.g. runc for docker exec). */
  parentPath: string;
  cmdline: string[];
  /** The process has a controlling terminal (or its stdin is a pseudo-terminal). */
  tty: boolean;
  /** Real uid inside the container's user namespace view (host uid without userns remap). */
  uid: number;
}

export interface ConnectObservation extends ObservationBase {
  kind: 'connect';
  family: 4 | 6;
  /** Destination address in canonical text form (`127.0.0.1`, `::1`). */
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface ListenObservation extends ObservationBase {
  kind: 'listen';
  family: 4 | 6;
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface ForkObservation extends ObservationBase {
  kind: 'fork';
  childPid: number;
}

export interface WriteObservation extends ObservationBase {
  kind: 'write';
  /** Path inside the container opened for writing, or made executable when `chmodExec`. */
  file: string;
  chmodExec: boolean;
}

export interface SetuidObservation extends ObservationBase {
  kind: 'setuid';
  /** uid before and the uid asked for. */
  fromUid: number;
  toUid: number;
}

export interface PtraceObservation extends ObservationBase {
  kind: 'ptrace';
  targetPid: number;
  /** PTRACE_* request number (16 = ATTACH, 0x4206 = SEIZE). */
  request: number;
}

export type Observation =
  | ExecObservation
  | ConnectObservation
  | ListenObservation
  | ForkObservation
  | WriteObservation
  | SetuidObservation
  | PtraceObservation;
