import type { z } from 'zod';

/**
 * Turning zod issues into lines people can act on: `<path>: <reason>; expected <shape>`, with the
 * closest known key or value when a name looks misspelt. The shape is read off the schema itself
 * (its `describe()` text where one is given), so messages and schema cannot drift apart.
 */

// zod keeps each schema's definition under `_zod.def`; only the fields read here are typed.
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
  values?: unknown[];
  in?: Schema;
}
type Schema = z.ZodType & { _zod: { def: Def }; description?: string };

/** Wrappers that do not change what a value must look like. */
const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault', 'readonly', 'nonoptional', 'catch']);

function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** The schema a value at `path` is checked against (the first union member that has the step). */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: Schema | undefined = root as Schema;
  for (const part of path) {
    if (!current) return undefined;
    current = step(unwrap(current), part);
  }
  return current;
}

function step(s: Schema, part: PropertyKey): Schema | undefined {
  const def = s._zod.def;
  if (def.type === 'object') return def.shape?.[String(part)];
  if (def.type === 'array') return def.element;
  if (def.type === 'union') {
    for (const option of def.options ?? []) {
      const next = step(unwrap(option), part);
      if (next) return next;
    }
  }
  return undefined;
}

/** Keys a mapping at `path` accepts, or [] when the schema there is not a mapping. */
export function keysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(root, path);
  if (!s) return [];
  const inner = unwrap(s as Schema);
  return inner._zod.def.type === 'object' ? Object.keys(inner._zod.def.shape ?? {}) : [];
}

/** What a value must look like, in words: the schema's description, else read off its definition. */
export function describeShape(schema: z.ZodType | undefined, depth = 0): string {
  if (!schema) return 'nothing here (remove it)';
  let s = schema as Schema;
  for (;;) {
    if (s.description) return s.description;
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  const def = s._zod.def;
  switch (def.type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'enum':
      return `one of ${Object.values(def.entries ?? {}).join(', ')}`;
    case 'array':
      return depth > 2 ? 'a list' : `a list of ${plural(describeShape(def.element, depth + 1))}`;
    case 'object':
      return `a mapping with keys ${Object.keys(def.shape ?? {}).join(', ')}`;
    case 'union':
      return (def.options ?? []).map((o) => describeShape(o, depth + 1)).join(', or ');
    default:
      return def.type;
  }
}

/** `a string` → `strings`, for "a list of ...". */
function plural(shape: string): string {
  if (shape.startsWith('one of ')) return `values ${shape}`;
  return shape.replace(/^an? /u, '').replace(/^(mapping|string|number|glob|date|path|package URL glob|version range|regular expression|duration)\b/u, '$1s');
}

/**
 * The known name closest to `word`, when close enough to be a typo: same letters ignoring case and
 * `_`/`-`, or at most one edit per three characters (Damerau-Levenshtein, adjacent swaps count one).
 */
export function suggest(word: string, known: readonly string[], aliases: Record<string, string> = {}): string | undefined {
  const alias = aliases[word];
  if (alias && known.includes(alias)) return alias;
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/gu, '');
  const exact = known.find((k) => norm(k) === norm(word));
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const k of known) {
    const d = editDistance(norm(word), norm(k));
    if (!best || d < best.distance) best = { name: k, distance: d };
  }
  if (best && best.distance <= Math.max(1, Math.floor(word.length / 3))) return best.name;
  return undefined;
}

function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** A zod path as people read it: `exceptions[2].owner`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  return String(value);
}
