/**
 * A behaviour profile: what the containers of one image normally do, learned from observations and
 * readable/editable by people (one YAML document per image). Every mapping is strict so a typo in a
 * hand-edited profile is an error with its file:line, never a silently ignored entry.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { globToRegExp } from '../../findings/index.js';

export const PROFILE_API_VERSION = 'bulkhead.dev/v1';
export const PROFILE_KIND = 'BehaviourProfile';

/** learn < monitor < protect: the order matters (see modes.ts). */
export const PROFILE_MODES = ['learn', 'monitor', 'protect'] as const;
export type ProfileMode = (typeof PROFILE_MODES)[number];

/** What the parent of a process started from outside the container (runc for `docker exec`) is called. */
export const OUTSIDE_PARENT = '(outside)';

const timestamp = z.iso.datetime({ offset: true }).describe('an ISO 8601 time (2026-11-24T10:00:00Z)');
const absolutePath = z
  .string()
  .regex(/^\/[^\0]*$/u, 'not an absolute path')
  .describe('an absolute path (/usr/bin/env)');
const port = z.number().int().min(0).max(65535).describe('a port number 0-65535');
const protocol = z.enum(['tcp', 'udp']).describe('tcp or udp');

/** An address or CIDR block as `net.BlockList` reads them. */
export function parseAddressOrCidr(text: string): { address: string; prefix?: number; family: 4 | 6 } | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  if (slash < 0) return { address, family };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/u.test(prefixText) || Number(prefixText) > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix: Number(prefixText), family };
}

const addressOrCidr = z
  .string()
  .refine((s) => parseAddressOrCidr(s) !== undefined, 'not an IPv4 or IPv6 address or CIDR block')
  .describe('an IPv4 or IPv6 address or CIDR block (10.0.0.5, 10.0.0.0/8, ::1)');

const pathGlob = z
  .string()
  .regex(/^\//u, 'not an absolute path glob')
  .refine((s) => {
    try {
      globToRegExp(s);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid glob')
  .describe('an absolute path glob (/data/**, /tmp/*.log)');

export const processPairSchema = z.strictObject({
  /** Executable of the parent, or `(outside)` when the parent is not in the container. */
  parent: z.union([z.literal(OUTSIDE_PARENT), absolutePath]).describe(`an absolute path or ${OUTSIDE_PARENT}`),
  child: absolutePath,
});

export const listenEntrySchema = z.strictObject({ protocol, port });

export const outboundEntrySchema = z.strictObject({
  protocol,
  address: addressOrCidr,
  /** Omitted: any port. */
  port: port.optional(),
});

export const profileSchema = z.strictObject({
  apiVersion: z.literal(PROFILE_API_VERSION),
  kind: z.literal(PROFILE_KIND),
  /** The image name (ContainerContext.imageName): the key, whatever the file is called. */
  image: z.string().min(1).describe('an image name (redis, registry.example.com/team/app)'),
  mode: z.enum(PROFILE_MODES),
  /** Bumped on every save. */
  version: z.number().int().nonnegative().describe('a whole number'),
  created: timestamp,
  updated: timestamp,
  /** Leave learn mode at this time (set from the agent's `profiles.learnFor`). */
  learnUntil: timestamp.optional(),
  afterLearning: z.enum(['monitor', 'protect']).optional(),
  /** Overrides the agent's `profiles.response` for this image. */
  response: z.enum(['kill', 'pause', 'stop', 'alert']).optional(),
  executables: z.array(absolutePath).default([]),
  processes: z.array(processPairSchema).default([]),
  listening: z.array(listenEntrySchema).default([]),
  outbound: z.array(outboundEntrySchema).default([]),
  writes: z.array(pathGlob).default([]),
});

export type BehaviourProfile = z.infer<typeof profileSchema>;
export type ProcessPair = z.infer<typeof processPairSchema>;
export type ListenEntry = z.infer<typeof listenEntrySchema>;
export type OutboundEntry = z.infer<typeof outboundEntrySchema>;
export type ProfileResponse = NonNullable<BehaviourProfile['response']>;
