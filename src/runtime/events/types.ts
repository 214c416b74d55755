/**
 * The runtime event: one JSON object per line in `--events FILE`, one row in the local store, one
 * syslog message. Drift, profile deviations and every detector produce this one shape.
 */
import type { Severity } from '../../findings/types.js';

export const RUNTIME_EVENT_TYPES = [
  'drift',
  'profile-deviation',
  'bad-ip',
  'port-scan',
  'fork-bomb',
  'shell',
  'sshd',
  'database-egress',
  'ttl',
  'root',
  'privilege-escalation',
  'privilege-drift',
  'ptrace',
  'file-changed',
  'probe',
] as const;
export type RuntimeEventType = (typeof RUNTIME_EVENT_TYPES)[number];

/**
 * What the agent did. `blocked-at-exec`: killed inside the exec tracepoint, before the program ran
 * any of its own code; `killed`: SIGKILL from user space after it started; `paused`/`stopped`: the
 * whole container; `replaced`: a fresh container from the current image took its place; `learned`:
 * added to a profile in learn mode; `alerted`: reported only.
 */
export const RUNTIME_ACTIONS = ['alerted', 'blocked-at-exec', 'killed', 'paused', 'stopped', 'replaced', 'learned', 'failed'] as const;
export type RuntimeAction = (typeof RUNTIME_ACTIONS)[number];

export interface ContainerRef {
  id: string;
  name: string;
  /** The reference the container was created from (tag or image id). */
  image: string;
  /** Image config digest (`sha256:...`), or a repo digest when the image has one. */
  imageDigest: string;
}

export interface ProcessRef {
  pid: number;
  /** Executable path inside the container (empty when unknown). */
  path: string;
  cmdline: string[];
}

export interface RuntimeEvent {
  /** ISO 8601, UTC. */
  time: string;
  type: RuntimeEventType;
  severity: Severity;
  container: ContainerRef;
  /** The process that did it; for container-wide events (ttl, root) the container's first process. */
  process: ProcessRef;
  action: RuntimeAction;
  /** One human sentence: what happened and why it matters. */
  reason: string;
  /** Stable rule id (BH-RT-1xx for detectors, BH-RT-2xx for profiles, BH-RT-100 drift). */
  rule: string;
  /** Detector-specific facts, flat and JSON-serialisable (destination, port count, list name...). */
  details?: Record<string, string | number | boolean | string[]>;
}
