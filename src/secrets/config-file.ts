import { readFile, stat } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { BulkheadError } from '../errors.js';
import { globToRegExp } from '../findings/index.js';
import { regexProblem } from './regex-safety.js';
import type { SecretConfig } from './types.js';

/**
 * A user's secret configuration: extra rules, allowlists and disabled rules.
 *
 * ```yaml
 * rules:
 *   - id: acme-api-key                  # letters, digits, `-`, `_`, `.`
 *     description: ACME internal API key
 *     severity: high                    # critical | high | medium | low
 *     keywords: [acme_]                 # at least one; each at least 3 ASCII characters
 *     regex: 'acme_[a-z0-9]{32}'        # JavaScript syntax; refused when it can backtrack badly
 *     secretGroup: 0                    # optional capture group holding the secret
 *     entropy: 3.5                      # optional minimum Shannon entropy (bits per character)
 *     paths: ["app/**"]                 # optional globs; the rule runs only there
 * allow:
 *   - paths: ["app/test/**"]            # every field given must match; paths alone skip files
 *     rules: [generic-password]
 *     regexes: ['^dev-']
 *     values: ["not-a-real-token"]
 * disableRules: [jwt]
 * ```
 * Errors name `FILE:LINE:COL: reason`.
 */

export const MAX_SECRET_CONFIG_BYTES = 1024 * 1024;
const MAX_AFTER = 4096;

const regexString = z.string().min(1).superRefine((source, ctx) => {
  const problem = regexProblem(source, 'u');
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const globString = z.string().min(1).refine((g) => {
  try {
    globToRegExp(g);
    return true;
  } catch {
    return false;
  }
}, 'not a valid glob');

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/u, 'ids are letters, digits, "-", "_" and "."'),
  description: z.string().min(1).max(300),
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  keywords: z.array(z.string().min(3, 'keywords need at least 3 characters').max(100).regex(/^[\x20-\x7e]+$/u, 'keywords are printable ASCII')).min(1),
  regex: z.string().min(1).superRefine((source, ctx) => {
    const problem = regexProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  flags: z.string().regex(/^[ims]*$/u, 'flags may only be i, m and s').optional(),
  secretGroup: z.number().int().min(0).max(20).optional(),
  entropy: z.number().min(0).max(8).optional(),
  paths: z.array(globString).min(1).optional(),
  before: z.number().int().min(0).max(MAX_AFTER).optional(),
  after: z.number().int().min(1).max(MAX_AFTER).optional(),
});

const allowSchema = z
  .strictObject({
    paths: z.array(globString).min(1).optional(),
    regexes: z.array(regexString).min(1).optional(),
    rules: z.array(z.string().min(1)).min(1).optional(),
    values: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((a) => a.paths || a.regexes || a.rules || a.values, 'an allow entry needs paths, regexes, rules or values');

export const secretConfigSchema = z.strictObject({
  rules: z.array(ruleSchema).default([]),
  allow: z.array(allowSchema).default([]),
  disableRules: z.array(z.string().min(1)).default([]),
});

function invalid(name: string, message: string): BulkheadError {
  return new BulkheadError('INPUT_INVALID', message, { input: name });
}

/** Parses configuration text; `name` names it in errors. Throws BulkheadError INPUT_INVALID. */
export function parseSecretConfig(text: string, name: string): SecretConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, strict: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/u, '');
    throw invalid(name, pos ? `${name}:${pos.line}:${pos.col}: ${reason}` : `${name}: ${reason}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw invalid(name, `${name}: ${(e as Error).message}`);
  }
  const parsed = secretConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const pos = lines.linePos(offsetOf(doc.contents, issue.path, keys[0]));
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./u, '');
    const reason = keys.length > 0 ? `unknown key "${keys[0]}"` : issue.message;
    throw invalid(name, `${name}:${pos.line}:${pos.col}: ${where === '' ? '' : `${where}: `}${reason}`);
  }
  const ids = new Set<string>();
  parsed.data.rules.forEach((rule, i) => {
    if (ids.has(rule.id)) {
      const pos = lines.linePos(offsetOf(doc.contents, ['rules', i, 'id']));
      throw invalid(name, `${name}:${pos.line}:${pos.col}: rules[${i}].id: duplicate rule id "${rule.id}"`);
    }
    ids.add(rule.id);
  });
  return parsed.data as SecretConfig;
}

/** Reads and parses a configuration file (at most MAX_SECRET_CONFIG_BYTES). */
export async function loadSecretConfig(path: string): Promise<SecretConfig> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new BulkheadError('INPUT_NOT_FOUND', `${path}: no such file`, { input: path, cause: e });
  }
  if (size > MAX_SECRET_CONFIG_BYTES) throw invalid(path, `${path}: file is ${size} bytes, over the ${MAX_SECRET_CONFIG_BYTES}-byte limit`);
  return parseSecretConfig(await readFile(path, 'utf8'), path);
}

/** Offset of the node at `path` (or its key `key`), or of the nearest ancestor that exists. */
function offsetOf(root: unknown, path: readonly PropertyKey[], key?: string): number {
  let node = root as YamlNode | null;
  for (const part of [...path, ...(key === undefined ? [] : [key])]) {
    let next: YamlNode | null | undefined;
    if (isSeq(node) && typeof part === 'number') next = node.items[part] as YamlNode | undefined;
    else if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
      if (pair) next = (part === key ? pair.key : (pair.value ?? pair.key)) as YamlNode;
    }
    if (!next) break;
    node = next;
  }
  return node?.range?.[0] ?? 0;
}
