import { z } from 'zod';
import { globToRegExp } from './path-glob.js';
import { parsePurlPattern, type PurlPattern } from './purl-match.js';
import { LocatedDocument, readCappedText, schemaError } from './input-document.js';

/**
 * `.bulkheadignore.yaml`: findings the user has looked at and decided to accept, each with a reason.
 *
 * ```yaml
 * version: 1
 * ignore:
 *   - id: CVE-2023-1234        # the finding's id or any alias (GHSA-..., DSA-...), case-insensitive
 *     reason: "not reachable: we never parse untrusted XML"     # required, not empty
 *     expires: 2027-01-31       # optional: the rule applies until the end of that day (UTC), or
 *                               # until an exact time (2027-01-31T12:00:00Z); then a warning says
 *                               # it expired and it no longer applies
 *     packages: [pkg:npm/lodash, "pkg:deb/debian/openssl@3.0.11-1~deb12u2"]
 *                               # optional: purls; version and qualifiers only restrict when given.
 *                               # OS packages (deb, rpm, apk) also match by source package name.
 *     paths: ["app/node_modules/**"]
 *                               # optional: globs on the finding's file path (image-root relative)
 *   - kind: secret              # optional, default vulnerability; one of vulnerability, secret,
 *     id: aws-access-key        # malware, misconfiguration, runtime. For non-vulnerability kinds
 *     paths: ["test/fixtures/**"]   # `id` is the finding id or the rule id in its evidence.
 *     reason: test data
 * ```
 * A rule needs at least one of `id`, `packages`, `paths`; it matches a finding when every field it
 * gives matches (a list matches when any entry does). Unknown keys, duplicate keys, a rule without a
 * reason, a bad purl or glob are errors naming `FILE:LINE:COL`.
 */

/** Biggest ignore file read; a hand-written list of rules is a few kilobytes. */
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

const FINDING_KINDS = ['vulnerability', 'secret', 'malware', 'misconfiguration', 'runtime'] as const;

/** `YYYY-MM-DD`, or an RFC 3339 date-time with an offset. */
const EXPIRES = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/u;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const ruleSchema = z
  .strictObject({
    kind: z.enum(FINDING_KINDS).optional(),
    id: nonEmpty.optional(),
    reason: z.string().trim().min(1, 'a reason is required'),
    expires: z
      .string()
      .regex(EXPIRES, 'expected a date (2027-01-31) or a date-time with offset (2027-01-31T12:00:00Z)')
      .refine((s) => !Number.isNaN(expiryTime(s)), 'not a real date')
      .optional(),
    packages: z.array(nonEmpty.refine(isPurl, 'not a package URL (pkg:type/namespace/name@version)')).min(1).optional(),
    paths: z.array(nonEmpty.refine(isGlob, 'not a valid glob')).min(1).optional(),
  })
  .refine((r) => r.id !== undefined || r.packages !== undefined || r.paths !== undefined, {
    message: 'a rule needs at least one of id, packages, paths',
  });

export const ignoreFileSchema = z.strictObject({
  version: z.literal(1),
  ignore: z.array(ruleSchema).default([]),
});

export type IgnoreRuleInput = z.infer<typeof ruleSchema>;

/** One rule, ready to match: where it was written, and its purls and globs compiled. */
export interface IgnoreRule extends IgnoreRuleInput {
  /** `FILE:LINE` of the rule, for warnings. */
  location: string;
  /** Instant after which the rule no longer applies (ms since epoch). */
  expiresAt?: number;
  packagePatterns: PurlPattern[];
  pathPatterns: RegExp[];
}

export interface IgnoreFile {
  path: string;
  version: 1;
  rules: IgnoreRule[];
}

/** Parses the text of an ignore file; `path` names it in errors. Throws `BulkheadError` INPUT_INVALID. */
export function parseIgnoreFile(text: string, path: string): IgnoreFile {
  const located = LocatedDocument.parse(path, text);
  const data = located.toJS(path);
  const parsed = ignoreFileSchema.safeParse(data);
  if (!parsed.success) throw schemaError(path, parsed.error, data, located);
  const rules = parsed.data.ignore.map((rule, index): IgnoreRule => {
    const line = located.position(['ignore', index]).split(':')[0];
    const compiled: IgnoreRule = {
      ...rule,
      location: `${path}:${line}`,
      packagePatterns: (rule.packages ?? []).map(parsePurlPattern),
      pathPatterns: (rule.paths ?? []).map(globToRegExp),
    };
    if (rule.expires !== undefined) compiled.expiresAt = expiryTime(rule.expires);
    return compiled;
  });
  return { path, version: 1, rules };
}

/** Reads and parses an ignore file (at most MAX_IGNORE_FILE_BYTES). */
export async function loadIgnoreFile(path: string): Promise<IgnoreFile> {
  return parseIgnoreFile(await readCappedText(path, MAX_IGNORE_FILE_BYTES), path);
}

/** A date means "through that whole day, UTC"; a date-time is exact. NaN when not a real date. */
function expiryTime(s: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/u.test(s)) {
    const start = Date.parse(`${s}T00:00:00Z`);
    // Date.parse rolls 2027-02-30 over to March: refuse dates that do not round-trip.
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== s) return NaN;
    return start + 24 * 60 * 60 * 1000 - 1;
  }
  return Date.parse(s.replace(' ', 'T'));
}

function isPurl(s: string): boolean {
  try {
    parsePurlPattern(s);
    return true;
  } catch {
    return false;
  }
}

function isGlob(s: string): boolean {
  try {
    globToRegExp(s);
    return true;
  } catch {
    return false;
  }
}
