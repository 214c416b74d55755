/**
 * Shape checks for the JSON documents of image formats (manifests, indexes, configs, docker save's
 * manifest.json). Images are opened on every scan, and a schema library cost a fifth of the time to
 * open an archive; these few shapes are checked by hand, with the same kind of message: what was
 * expected, and where.
 */
export interface Issue {
  message: string;
  path: (string | number)[];
}

export type SafeResult<T> = { success: true; data: T } | { success: false; error: { issues: Issue[] } };

export interface Shape<T> {
  parse(value: unknown): T;
  safeParse(value: unknown): SafeResult<T>;
}

type Check<T> = (value: unknown, path: (string | number)[]) => T;

class ShapeError extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const fail = (expected: string, v: unknown, path: (string | number)[]): never => {
  throw new ShapeError({ message: `expected ${expected}, received ${kind(v)}`, path });
};

export function shape<T>(check: Check<T>): Shape<T> {
  const safeParse = (value: unknown): SafeResult<T> => {
    try {
      return { success: true, data: check(value, []) };
    } catch (e) {
      if (e instanceof ShapeError) return { success: false, error: { issues: [e.issue] } };
      throw e;
    }
  };
  return {
    safeParse,
    parse: (value) => {
      const r = safeParse(value);
      if (r.success) return r.data;
      throw new Error(r.error.issues[0]?.message);
    },
  };
}

export const string: Check<string> = (v, p) => (typeof v === 'string' ? v : fail('string', v, p));
export const boolean: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail('boolean', v, p));
export const number: Check<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail('number', v, p));
export const size: Check<number> = (v, p) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fail('a non-negative integer', v, p));

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, p) => (v === undefined ? undefined : check(v, p));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, p) => (v === null ? null : check(v, p));
}

export function array<T>(check: Check<T>): Check<T[]> {
  return (v, p) => (Array.isArray(v) ? v.map((item, i) => check(item, [...p, i])) : fail('array', v, p));
}

export function record(check: Check<string>): Check<Record<string, string>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('object', v, p);
    for (const [k, item] of Object.entries(v)) check(item, [...p, k]);
    return v as Record<string, string>;
  };
}

/**
 * An object with the given fields checked. Other fields are kept when `loose`, dropped otherwise
 * (a document may carry fields this reader does not need).
 */
export function object<T extends object>(fields: { [K in keyof T]: Check<T[K]> }, loose = false): Check<T> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('object', v, p);
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = loose ? { ...source } : {};
    for (const key of Object.keys(fields) as (keyof T & string)[]) {
      const value = fields[key](source[key], [...p, key]);
      if (value !== undefined) out[key] = value;
      else delete out[key];
    }
    return out as T;
  };
}
