/**
 * The agent's configuration: the `runtime:` section of the policy file (or a file of its own with the
 * same shape). Address ranges that count as internal, reputation lists, detector thresholds and
 * responses, time to live, and profile handling. Every mapping is strict so a typo is an error with
 * its file:line, never a silently ignored setting.
 */
import { z } from 'zod';

const response = z.enum(['alert', 'kill', 'pause', 'stop']).describe('alert, kill, pause or stop');
const cidr = z
  .string()
  .min(1)
  .describe('an IPv4 or IPv6 address or CIDR block (10.0.0.0/8, ::1/128)');
const duration = z
  .string()
  .regex(/^\d{1,9}[smhd]$/u, 'not a duration')
  .describe('a duration: a whole number with s, m, h or d (30s, 12h, 7d)');
const imageGlob = z.string().min(1).describe('an image name glob (redis, *postgres*, registry.example.com/team/*)');

export const runtimeConfigSchema = z.strictObject({
  networks: z
    .strictObject({
      /**
       * Destinations that are not "outbound". The default lists loopback, RFC 1918, link-local and
       * unique-local ranges; an empty list makes every destination outbound.
       */
      internal: z.array(cidr).optional(),
    })
    .prefault({}),
  reputation: z
    .strictObject({
      /** FireHOL netset / Spamhaus DROP format files: one IP or CIDR per line, `#` or `;` comments. */
      lists: z.array(z.string().min(1).describe('a file path')).default([]),
      response: response.default('alert'),
    })
    .prefault({}),
  detectors: z
    .strictObject({
      portScan: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Distinct destination ports (any host) within the window. */
          ports: z.number().int().positive().default(50),
          /** Distinct destination hosts within the window. */
          hosts: z.number().int().positive().default(30),
          window: duration.default('10s'),
          response: response.default('alert'),
        })
        .prefault({}),
      forkBomb: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Forks within the window that make it a fork bomb. */
          forks: z.number().int().positive().default(300),
          window: duration.default('2s'),
          response: response.default('kill'),
        })
        .prefault({}),
      shell: z
        .strictObject({ enabled: z.boolean().default(true), response: response.default('alert') })
        .prefault({}),
      sshd: z
        .strictObject({ enabled: z.boolean().default(true), response: response.default('alert') })
        .prefault({}),
      databaseEgress: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Image name globs that are databases; the default covers common database images. */
          images: z.array(imageGlob).optional(),
          response: response.default('alert'),
        })
        .prefault({}),
      root: z
        .strictObject({ enabled: z.boolean().default(true), response: response.default('alert') })
        .prefault({}),
      privilegeEscalation: z
        .strictObject({ enabled: z.boolean().default(true), response: response.default('alert') })
        .prefault({}),
      ptrace: z
        .strictObject({ enabled: z.boolean().default(true), response: response.default('alert') })
        .prefault({}),
    })
    .prefault({}),
  ttl: z
    .array(
      z.strictObject({
        images: z.array(imageGlob).min(1),
        maxAge: duration,
        /** `replace` starts a fresh container from the image's current version in its place. */
        action: z.enum(['alert', 'replace']).default('alert'),
      }),
    )
    .default([]),
  drift: z
    .strictObject({
      /** Response to drift in protect mode; the kernel kill at exec happens for `kill`. */
      response: response.default('kill'),
    })
    .prefault({}),
  profiles: z
    .strictObject({
      /** A new image's profile leaves learn mode after this long (omit to learn until told). */
      learnFor: duration.optional(),
      /** The mode a profile moves to after `learnFor`. */
      afterLearning: z.enum(['monitor', 'protect']).default('monitor'),
      /** What protect mode does to a deviation. */
      response: response.default('kill'),
    })
    .prefault({}),
});

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;
export type DetectorResponse = z.infer<typeof response>;

/** The configuration with every default filled in. */
export function defaultRuntimeConfig(): RuntimeConfig {
  return runtimeConfigSchema.parse({});
}

export const DEFAULT_INTERNAL_NETWORKS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
] as const;

export const DEFAULT_DATABASE_IMAGES = [
  '*postgres*',
  '*mysql*',
  '*mariadb*',
  '*mongo*',
  '*redis*',
  '*valkey*',
  '*memcached*',
  '*cassandra*',
  '*elasticsearch*',
  '*opensearch*',
  '*couchdb*',
  '*couchbase*',
  '*influxdb*',
  '*neo4j*',
  '*cockroach*',
  '*clickhouse*',
  '*mssql*',
  '*oracle*db*',
] as const;
