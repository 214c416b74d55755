/**
 * What the agent sends to the server and what it gets back (`/api/v1/agent/*`). The server checks
 * the same shapes with zod in src/server/runtime/agent-bodies.ts.
 */
import type { RuntimeEvent } from '../events/types.js';
import type { ContainerFact } from '../inventory/index.js';
import type { ProfileMode } from '../profiles/index.js';

export interface HostReport {
  /** Stable per agent state folder (kept in the spool). */
  id: string;
  name: string;
  agentVersion: string;
  /** Kernel, Docker version, probe in use... (JSON). */
  facts: Record<string, unknown>;
}

/** POST /api/v1/agent/events */
export interface EventBatch {
  host: HostReport;
  events: Array<{ seq: number; event: RuntimeEvent }>;
}

export interface EventBatchReply {
  /** Every event of the batch with a sequence number up to this one is stored on the server. */
  acked: number;
  /** Newly stored (the rest were resends the server already had). */
  stored: number;
}

/** POST /api/v1/agent/inventory: the containers on the host now (replaces the previous list). */
export interface InventoryReport {
  host: HostReport;
  containers: ContainerFact[];
}

export interface ProfileModeCommand {
  /** The image name a behaviour profile is kept for. */
  image: string;
  mode: ProfileMode;
  requestedAt: string;
}

/** GET /api/v1/agent/commands?host=ID */
export interface CommandsReply {
  profileModes: ProfileModeCommand[];
}

/** POST /api/v1/agent/commands/ack */
export interface CommandsAck {
  host: string;
  applied: Array<{ image: string; mode: ProfileMode; requestedAt: string }>;
}
