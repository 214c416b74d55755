/**
 * The bodies runtime agents send (src/runtime/report/protocol.ts is the agent's side of the same
 * shapes). Events are checked for the fields the server indexes and kept whole as JSON; unknown
 * fields pass, so a newer agent's extra facts are not refused by an older server.
 */
import { z } from 'zod';

export const PROFILE_MODE_VALUES = ['learn', 'monitor', 'protect'] as const;

export const hostBody = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(255),
  agentVersion: z.string().max(100).default('unknown'),
  facts: z.record(z.string(), z.unknown()).default({}),
});
export type HostBody = z.infer<typeof hostBody>;

export const runtimeEventBody = z
  .object({
    time: z.string().min(1).max(64),
    type: z.string().min(1).max(64),
    severity: z.string().min(1).max(32),
    container: z.object({ id: z.string().max(128), name: z.string().max(255) }).passthrough(),
    action: z.string().min(1).max(64),
  })
  .passthrough();

export const eventBatchBody = z.object({
  host: hostBody,
  events: z
    .array(z.object({ seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), event: runtimeEventBody }))
    .max(1000),
});
export type EventBatchBody = z.infer<typeof eventBatchBody>;

export const containerFactBody = z
  .object({
    id: z.string().min(1).max(128),
    name: z.string().max(255),
    image: z.string().max(1024),
    imageId: z.string().max(200).optional(),
    imageDigest: z.string().max(1200).optional(),
    state: z.string().max(64).optional(),
    startedAt: z.string().max(64).optional(),
  })
  .passthrough();

export const inventoryBody = z.object({ host: hostBody, containers: z.array(containerFactBody).max(10_000) });
export type InventoryBody = z.infer<typeof inventoryBody>;

export const commandsAckBody = z.object({
  host: z.string().min(1).max(100),
  applied: z.array(z.object({ image: z.string().min(1).max(1024), mode: z.enum(PROFILE_MODE_VALUES), requestedAt: z.string().max(64) })).max(10_000),
});

export const profileModeBody = z.strictObject({ mode: z.enum(PROFILE_MODE_VALUES) });
