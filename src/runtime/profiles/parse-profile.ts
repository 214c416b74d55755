/**
 * Profile YAML text → a validated profile, with every problem as `FILE:LINE:COL: path: reason`.
 * The same approach as the policy file (src/policy/load-policy.ts): parse with positions, validate
 * with zod, then map each issue's path back to the YAML node it came from. Those helpers are not part
 * of the policy capability's public API, so the small part needed here lives with profiles.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { BulkheadError } from '../../errors.js';
import { profileSchema, type BehaviourProfile } from './schema.js';

/** A profile file that is not valid; `problems` lists each as `FILE:LINE:COL: path: reason`. */
export class ProfileInvalidError extends BulkheadError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super('INPUT_INVALID', `${problems[0]}${more}`, { input: file });
    this.problems = problems;
  }
}

/** Validates profile text; `file` names it in errors. */
export function parseProfile(text: string, file: string): BehaviourProfile {
  const lines = new LineCounter();
  // core schema (YAML 1.2): timestamps stay strings; duplicate keys are errors, not silent overrides
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  if (document.errors.length > 0) {
    throw new ProfileInvalidError(
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
    throw new ProfileInvalidError(file, [`${file}:1:1: ${(e as Error).message}`]);
  }
  const parsed = profileSchema.safeParse(data ?? undefined);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => describeIssue(file, issue, data, document, lines));
  problems.sort((a, b) => a.order - b.order);
  throw new ProfileInvalidError(file, problems.map((p) => p.text));
}

function describeIssue(file: string, issue: z.core.$ZodIssue, data: unknown, document: Document, lines: LineCounter): { text: string; order: number }[] {
  const at = (offset: number, path: readonly PropertyKey[], reason: string): { text: string; order: number } => {
    const pos = lines.linePos(offset);
    return { text: `${file}:${pos.line}:${pos.col}: ${formatPath(path)}: ${reason}`, order: offset };
  };
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => at(nodeOffset(document, issue.path, key), [...issue.path, key], 'unknown key'));
  }
  const value = valueAt(data, issue.path);
  let reason: string;
  if (issue.path.length === 0 && (value === null || value === undefined)) reason = 'the profile is empty';
  else if (issue.code === 'invalid_type' && value === undefined) reason = 'required';
  else if (issue.code === 'invalid_value') reason = `${describeValue(value)} is not allowed; expected one of ${issue.values.map(String).join(', ')}`;
  else reason = `${describeValue(value)}: ${issue.message}`;
  return [at(nodeOffset(document, issue.path), issue.path, reason)];
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

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out === '' ? '(top level)' : out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  return String(value);
}
