/**
 * A detector is pure: it folds observations (and clock ticks) into detections. The agent turns a
 * detection into a RuntimeEvent and carries out the response when the mode allows it.
 */
import type { Severity } from '../../findings/types.js';
import type { ContainerContext, Observation } from '../events/observation.js';
import type { RuntimeEventType } from '../events/types.js';

/** What the agent should do in protect mode (monitor mode always only alerts). */
export type Response = 'alert' | 'kill' | 'pause' | 'stop' | 'replace';

export interface Detection {
  type: RuntimeEventType;
  rule: string;
  severity: Severity;
  container: ContainerContext;
  /** The offending process; undefined for container-wide detections (ttl, root). */
  pid?: number;
  /** Further processes to kill with `kill` (a fork bomb's whole family). */
  extraPids?: number[];
  path?: string;
  reason: string;
  response: Response;
  details?: Record<string, string | number | boolean | string[]>;
}

export interface Detector {
  readonly name: string;
  observe(observation: Observation): Detection[];
  /** Called about once a second with the running containers; time-based checks live here. */
  tick?(nowMs: number, containers: readonly ContainerContext[]): Detection[];
  /** Forget a container that is gone. */
  forget?(containerId: string): void;
}
