import { z } from 'zod';
import { runtimeConfigSchema } from '../runtime/config/index.js';
import parseSpdxExpression from 'spdx-expression-parse';
import { globToRegExp } from '../findings/index.js';
import { parseVersionRange } from './version-range.js';
import { parseDuration } from './duration.js';
import { RULE_IDS } from './rule-ids.js';

/**
 * The policy file (docs/policy.md is its reference). One YAML document; every mapping is strict so a
 * misspelt key is an error, not a rule silently left out. Each leaf carries a `describe()` text: the
 * shape error messages promise after "expected".
 */

/** `YYYY-MM-DD`, or an RFC 3339 date-time with an offset (the same forms as `.bulkheadignore.yaml`). */
const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/u;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const glob = nonEmpty.refine(isGlob, 'not a valid glob').describe('a glob (`*` within one path segment, `**` across segments)');

const regex = nonEmpty.refine(isRegExp, 'not a valid regular expression').describe('a regular expression (JavaScript syntax, anchored by you)');

const date = z
  .string()
  .regex(DATE_RE, 'not a date')
  .refine((s) => !Number.isNaN(expiryTime(s)), 'not a real date')
  .describe('a date (2027-01-31, valid through that day UTC) or a date-time with offset (2027-01-31T12:00:00Z)');

const identity = z
  .strictObject({
    issuer: nonEmpty.describe('the OIDC issuer URL, exactly (https://token.actions.githubusercontent.com)'),
    subject: nonEmpty.optional().describe('the certificate identity (SAN), exactly'),
    subjectRegExp: regex.optional(),
  })
  .refine((i) => (i.subject === undefined) !== (i.subjectRegExp === undefined), { message: 'give exactly one of subject, subjectRegExp' })
  .describe('a mapping with issuer and one of subject, subjectRegExp');

const signatures = z
  .strictObject({
    keys: z.array(nonEmpty.describe('a path to a PEM public key')).min(1).optional(),
    identities: z.array(identity).min(1).optional(),
    trustedRoot: nonEmpty.optional().describe('a path to a Sigstore trusted_root.json (keyless signatures are verified offline against it)'),
  })
  .refine((s) => s.keys !== undefined || s.identities !== undefined, { message: 'name at least one of keys, identities' })
  .refine((s) => s.identities === undefined || s.trustedRoot !== undefined, { message: 'identities need trustedRoot (a Sigstore trusted_root.json) to be verified offline' })
  .describe('a mapping with keys (PEM paths) and/or identities (issuer + subject) with trustedRoot');

const packageDeny = z
  .strictObject({
    purl: nonEmpty
      .refine((s) => s.startsWith('pkg:') && s.indexOf('/') > 4, 'not a package URL glob (pkg:TYPE/[NAMESPACE/]NAME)')
      .refine((s) => !(s.split('/').pop() ?? '').includes('@'), 'put the version in `versions`, not in the purl')
      .refine((s) => isGlob(s), 'not a valid glob')
      .optional()
      .describe('a package URL glob without version (pkg:npm/lodash, pkg:maven/org.apache.logging.log4j/*)'),
    name: glob.optional().describe('a package name glob (log4j-*)'),
    type: z.string().regex(/^[a-z][a-z0-9.+-]*$/u, 'not a purl type').optional().describe('a purl type (npm, deb, pypi, maven...)'),
    versions: nonEmpty
      .refine(isVersionRange, 'not a version range')
      .optional()
      .describe('a version range: comparators (<, <=, >, >=, =, !=) joined by spaces, alternatives by ||'),
    reason: nonEmpty.optional(),
  })
  .refine((p) => (p.purl === undefined) !== (p.name === undefined), { message: 'give exactly one of purl, name' })
  .describe('a mapping with purl or name, and optional type, versions, reason');

const spdxId = nonEmpty.refine(isSpdxId, 'not an SPDX license identifier').describe('an SPDX license identifier (GPL-3.0-only, LicenseRef-...)');

export const HOST_NAMESPACES = ['pid', 'ipc', 'net', 'uts'] as const;
export type HostNamespace = (typeof HOST_NAMESPACES)[number];

/**
 * Linux capabilities (capabilities(7), as of Linux 6.x), named without the `CAP_` prefix the way
 * Docker's `--cap-add` and Kubernetes' `capabilities.add` name them; `ALL` stands for every one.
 */
export const CAPABILITIES = [
  'ALL', 'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN', 'DAC_OVERRIDE',
  'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE',
  'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'PERFMON', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID',
  'SYSLOG', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'WAKE_ALARM',
] as const;

/** `cap_net_admin`, `CAP_NET_ADMIN`, `net_admin` → `NET_ADMIN` (Docker accepts all three). */
export function capabilityName(s: string): string {
  return s.trim().toUpperCase().replace(/^CAP_/u, '');
}

const capability = z
  .string()
  .transform(capabilityName)
  .pipe(z.enum(CAPABILITIES))
  .describe('a capability name (NET_ADMIN, SYS_ADMIN, ... or ALL; a CAP_ prefix is accepted)');

const hostPathGlob = nonEmpty
  .refine((s) => s.startsWith('/'), 'not an absolute path')
  .refine((s) => /^\/+$/u.test(s) || isGlob(s), 'not a valid glob')
  .describe('an absolute host path or path glob (/etc, /var/run, /home/**)');

/** Resource limits `requireLimits` can ask for. */
export const LIMIT_KINDS = ['memory', 'cpu', 'pids'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

const exception = z
  .strictObject({
    images: z.array(glob.describe('an image or repository glob (registry.example.com/team/*)')).min(1),
    rules: z.array(z.enum(RULE_IDS)).min(1).optional(),
    findings: z.array(nonEmpty.describe('a finding id or alias (CVE-2021-23337, GHSA-...)')).min(1).optional(),
    reason: nonEmpty,
    owner: nonEmpty.describe('who answers for the exception (a person or team)'),
    expires: date,
  })
  .describe('a mapping with images, reason, owner, expires and optional rules, findings');

export const policySchema = z.strictObject({
  version: z.literal(1),
  name: nonEmpty.optional(),
  trust: z
    .strictObject({
      registries: z.array(glob.describe('a registry host glob (registry.example.com, *.gcr.io)')).min(1).optional(),
      repositories: z.array(glob.describe('a repository glob (registry.example.com/team/*)')).min(1).optional(),
      signatures: signatures.optional(),
    })
    .optional(),
  vulnerabilities: z
    .strictObject({
      maxSeverity: z.enum(['critical', 'high', 'medium', 'low', 'negligible']).optional(),
      maxCvss: z.number().min(0).max(10).optional().describe('a CVSS base score from 0 to 10'),
      forbidKev: z.boolean().optional(),
      ignoreUnfixed: z.boolean().optional(),
    })
    .optional(),
  packages: z.strictObject({ deny: z.array(packageDeny).min(1) }).optional(),
  licenses: z.strictObject({ deny: z.array(spdxId).min(1) }).optional(),
  secrets: z.strictObject({ forbid: z.boolean() }).optional(),
  malware: z.strictObject({ forbid: z.boolean() }).optional(),
  image: z
    .strictObject({
      nonRootUser: z.boolean().optional(),
      healthcheck: z.boolean().optional(),
      maxAgeDays: z.number().int().positive().optional().describe('a whole number of days above 0'),
      labels: z
        .array(
          z
            .strictObject({ name: nonEmpty.describe('a label key'), value: regex.optional() })
            .describe('a mapping with name and optional value (a regular expression)'),
        )
        .min(1)
        .optional(),
    })
    .optional(),
  deployment: z
    .strictObject({
      maxContainerAge: nonEmpty
        .refine((s) => parseDuration(s) !== undefined, 'not a duration')
        .optional()
        .describe('a duration: a whole number with s, m, h or d (12h, 7d)'),
      forbidPrivileged: z.boolean().optional(),
      forbidHostNamespaces: z.union([z.boolean(), z.array(z.enum(HOST_NAMESPACES)).min(1)]).optional(),
      forbidDockerSocket: z.boolean().optional(),
      // CIS Docker 5.3 / PSS baseline "Capabilities": added capabilities (cap-add, capabilities.add)
      forbidCapabilities: z.array(capability).min(1).optional(),
      allowedCapabilities: z.array(capability).optional().describe('a list of capability names that may be added ([] = none may be added)'),
      // CIS Docker 5.5 / PSS baseline "HostPath Volumes": bind mounts of host paths
      forbidHostPaths: z.array(hostPathGlob).min(1).optional(),
      // CIS Docker 5.12 / PSS has none (a common hardening control)
      readOnlyRootFilesystem: z.boolean().optional(),
      // CIS Docker 5.10 (memory), 5.11 (CPU), 5.29 (pids)
      requireLimits: z.array(z.enum(LIMIT_KINDS)).min(1).optional(),
      // CIS Docker 5.1 (AppArmor), 5.21 (seccomp) / PSS baseline "AppArmor", restricted "Seccomp"
      forbidUnconfined: z.boolean().optional(),
      // CIS Docker 5.26 / PSS restricted "Privilege Escalation"
      requireNoNewPrivileges: z.boolean().optional(),
    })
    .refine((d) => d.forbidCapabilities === undefined || d.allowedCapabilities === undefined, { message: 'give at most one of forbidCapabilities, allowedCapabilities' })
    .optional(),
  /** The runtime agent's settings (networks, reputation lists, detectors, time to live, profiles). */
  runtime: runtimeConfigSchema.optional(),
  exceptions: z.array(exception).default([]),
});

export type Policy = z.infer<typeof policySchema>;
export type PolicyException = Policy['exceptions'][number];
export type PackageDenyEntry = NonNullable<Policy['packages']>['deny'][number];
export type SignatureRequirement = NonNullable<NonNullable<Policy['trust']>['signatures']>;
export type KeylessIdentity = NonNullable<SignatureRequirement['identities']>[number];

/**
 * Instant after which an exception no longer applies (ms since epoch): a date means "through that
 * whole day, UTC", a date-time is exact. NaN when not a real date.
 */
export function expiryTime(s: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/u.test(s)) {
    const start = Date.parse(`${s}T00:00:00Z`);
    // Date.parse rolls 2027-02-30 over to March: refuse dates that do not round-trip.
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== s) return NaN;
    return start + 24 * 60 * 60 * 1000 - 1;
  }
  return Date.parse(s.replace(' ', 'T'));
}

function isGlob(s: string): boolean {
  try {
    globToRegExp(s);
    return true;
  } catch {
    return false;
  }
}

function isRegExp(s: string): boolean {
  try {
    new RegExp(s, 'u');
    return true;
  } catch {
    return false;
  }
}

function isVersionRange(s: string): boolean {
  try {
    parseVersionRange(s);
    return true;
  } catch {
    return false;
  }
}

/** One license id (SPDX 2.3 Annex D `license-id`, or a LicenseRef), not a compound expression. */
function isSpdxId(s: string): boolean {
  try {
    const node = parseSpdxExpression(s);
    return 'license' in node && node.exception === undefined && node.plus === undefined;
  } catch {
    return false;
  }
}
