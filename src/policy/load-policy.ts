import { open } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { BulkheadError } from '../errors.js';
import { policySchema, type Policy } from './schema.js';
import { describeShape, describeValue, formatPath, keysAt, schemaAt, suggest, valueAt } from './schema-errors.js';

/** Biggest policy file read; a hand-written policy is a few kilobytes. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** Names people reach for that mean a key the schema spells differently (suggested, never accepted). */
const KEY_ALIASES: Record<string, string> = {
  fixableOnly: 'ignoreUnfixed',
  onlyFixable: 'ignoreUnfixed',
  kev: 'forbidKev',
  severity: 'maxSeverity',
  cvss: 'maxCvss',
  privileged: 'forbidPrivileged',
  hostNamespaces: 'forbidHostNamespaces',
  dockerSocket: 'forbidDockerSocket',
  capabilities: 'forbidCapabilities',
  capAdd: 'forbidCapabilities',
  allowCapabilities: 'allowedCapabilities',
  hostPaths: 'forbidHostPaths',
  readOnlyRootfs: 'readOnlyRootFilesystem',
  readOnly: 'readOnlyRootFilesystem',
  limits: 'requireLimits',
  resources: 'requireLimits',
  unconfined: 'forbidUnconfined',
  noNewPrivileges: 'requireNoNewPrivileges',
  allowPrivilegeEscalation: 'requireNoNewPrivileges',
  ttl: 'maxContainerAge',
  maxAge: 'maxAgeDays',
  user: 'nonRootUser',
  expiry: 'expires',
  expiration: 'expires',
  image: 'images',
  rule: 'rules',
};

/** A policy file that is not valid; `problems` lists every one as `FILE:LINE:COL: path: reason; expected shape`. */
export class PolicyInvalidError extends BulkheadError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super('INPUT_INVALID', `${problems[0]}${more}`, { input: file });
    this.problems = problems;
  }
}

/** Reads and validates a policy file (YAML 1.2, or JSON). Throws PolicyInvalidError, or INPUT_NOT_FOUND. */
export async function loadPolicy(file: string): Promise<Policy> {
  return parsePolicy(await readPolicyText(file), file);
}

/** Validates policy text; `file` names it in errors. */
export function parsePolicy(text: string, file: string): Policy {
  const lines = new LineCounter();
  // core schema: `2027-01-31` stays a string; duplicate keys are errors, not silent overrides
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  if (document.errors.length > 0) {
    throw new PolicyInvalidError(
      file,
      document.errors.map((e) => {
        const pos = e.linePos?.[0];
        const reason = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/u, '');
        return `${file}:${pos ? `${pos.line}:${pos.col}` : '1:1'}: ${reason}`;
      }),
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new PolicyInvalidError(file, [`${file}:1:1: ${(e as Error).message}`]);
  }
  const parsed = policySchema.safeParse(data ?? undefined);
  if (parsed.success) return parsed.data;
  const problems = flatten(parsed.error.issues).map((issue) => describeIssue(file, issue, data, document, lines));
  problems.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  throw new PolicyInvalidError(file, problems.map((p) => p.text));
}

/**
 * One issue per problem: an unknown-keys issue per key (each has its own position and suggestion),
 * and a union's issues from the one branch whose type the value has (`[pid, foo]` is a list, so the
 * list branch says which entry is wrong).
 */
function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ ...issue, keys: [key] });
    } else if (issue.code === 'invalid_union') {
      const typed = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (typed.length === 1) out.push(...flatten(typed[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue)));
      else out.push(issue);
    } else out.push(issue);
  }
  return out;
}

function describeIssue(file: string, issue: z.core.$ZodIssue, data: unknown, document: Document, lines: LineCounter): { text: string; order: [number, number] } {
  const root = policySchema as z.ZodType;
  let path: PropertyKey[] = [...issue.path];
  let reason: string;
  let shape: string;
  let offset: number;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = keysAt(root, issue.path);
    const guess = suggest(key, known, KEY_ALIASES);
    offset = nodeOffset(document, issue.path, key);
    path = [...issue.path, key];
    reason = `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`;
    shape = `one of the keys ${known.join(', ')}`;
  } else {
    const value = valueAt(data, issue.path);
    const schema = schemaAt(root, issue.path);
    offset = nodeOffset(document, issue.path);
    shape = describeShape(schema);
    if (issue.code === 'invalid_type' && value === undefined) reason = 'required';
    else if (issue.path.length === 0 && value === null) reason = 'the policy is empty';
    else if (issue.code === 'invalid_type') reason = `got ${describeValue(value)}`;
    else if (issue.code === 'invalid_value') {
      const allowed = issue.values.map(String);
      const guess = typeof value === 'string' ? suggest(value, allowed) : undefined;
      reason = `${describeValue(value)} is not allowed${guess ? ` (did you mean "${guess}"?)` : ''}`;
    } else if (issue.code === 'too_small') reason = Array.isArray(value) ? 'must not be empty' : typeof value === 'number' ? `${value} is too small` : issue.message;
    else if (issue.code === 'too_big') reason = typeof value === 'number' ? `${value} is too big` : issue.message;
    else if (issue.code === 'invalid_union') reason = `${describeValue(value)} matches none of the accepted forms`;
    else reason = issue.message;
  }
  const pos = lines.linePos(offset);
  return { text: `${file}:${pos.line}:${pos.col}: ${formatPath(path)}: ${reason}; expected ${shape}`, order: [pos.line, pos.col] };
}

/** Offset of the node at `path` (of its key `key` when given), or of the nearest ancestor present. */
function nodeOffset(document: Document, path: readonly PropertyKey[], key?: string): number {
  let node: unknown = document.contents;
  for (const part of path) {
    const next = child(node, part);
    if (!next) break;
    node = next.value ?? next.key;
  }
  if (key !== undefined) {
    const entry = child(node, key);
    if (entry?.key) node = entry.key;
  }
  return (node as YamlNode | undefined)?.range?.[0] ?? 0;
}

function child(node: unknown, part: PropertyKey): { key?: unknown; value: unknown } | undefined {
  if (isSeq(node) && typeof part === 'number') {
    const value = node.items[part];
    return value === undefined ? undefined : { value };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === String(part)) return { key: pair.key, value: pair.value };
    }
  }
  return undefined;
}

async function readPolicyText(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BulkheadError('INPUT_NOT_FOUND', `${file}: no such policy file`, { input: file, cause: e });
    throw new BulkheadError('INPUT_INVALID', `${file}: cannot read the policy: ${(e as Error).message}`, { input: file, cause: e });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new BulkheadError('INPUT_INVALID', `${file}: the policy is not a regular file`, { input: file });
    if (info.size > MAX_POLICY_BYTES) throw new BulkheadError('INPUT_INVALID', `${file}: the policy is ${info.size} bytes, over the ${MAX_POLICY_BYTES}-byte limit`, { input: file });
    const buffer = await handle.readFile();
    if (buffer.length > MAX_POLICY_BYTES) throw new BulkheadError('INPUT_INVALID', `${file}: the policy is over the ${MAX_POLICY_BYTES}-byte limit`, { input: file });
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    } catch {
      throw new BulkheadError('INPUT_INVALID', `${file}: the policy is not UTF-8 text`, { input: file });
    }
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } finally {
    await handle.close();
  }
}
