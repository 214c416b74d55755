import type { OsvRecord } from './types.js';

/**
 * Shape check of one OSV record against the essentials of the OSV schema 1.6
 * (https://ossf.github.io/osv-schema/): the fields the store and the matcher rely on. Returns the
 * first problem found, or undefined when the record can be stored. Unknown fields are allowed, as the
 * schema allows them.
 */
export function osvRecordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (typeof value.id !== 'string' || value.id === '') return '"id" is missing or not a string';
  if (typeof value.modified !== 'string' || Number.isNaN(Date.parse(value.modified))) return '"modified" is missing or not an RFC 3339 time';
  for (const key of ['published', 'withdrawn', 'summary', 'details', 'schema_version'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') return `"${key}" is not a string`;
  }
  for (const key of ['aliases', 'related', 'upstream'] as const) {
    if (value[key] !== undefined && !isStringArray(value[key])) return `"${key}" is not an array of strings`;
  }
  const severity = severityProblem(value.severity, 'severity');
  if (severity) return severity;
  if (value.affected === undefined) return undefined;
  if (!Array.isArray(value.affected)) return '"affected" is not an array';
  for (const [i, entry] of value.affected.entries()) {
    const problem = affectedProblem(entry, `affected[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

export function asOsvRecord(value: unknown): OsvRecord {
  return value as OsvRecord;
}

function affectedProblem(entry: unknown, at: string): string | undefined {
  if (!isObject(entry)) return `${at} is not an object`;
  const pkg = entry.package;
  if (pkg !== undefined) {
    if (!isObject(pkg)) return `${at}.package is not an object`;
    if (typeof pkg.ecosystem !== 'string' || pkg.ecosystem === '') return `${at}.package.ecosystem is missing or not a string`;
    if (typeof pkg.name !== 'string' || pkg.name === '') return `${at}.package.name is missing or not a string`;
    if (pkg.purl !== undefined && typeof pkg.purl !== 'string') return `${at}.package.purl is not a string`;
  }
  if (entry.versions !== undefined && !isStringArray(entry.versions)) return `${at}.versions is not an array of strings`;
  const severity = severityProblem(entry.severity, `${at}.severity`);
  if (severity) return severity;
  if (entry.ranges === undefined) return undefined;
  if (!Array.isArray(entry.ranges)) return `${at}.ranges is not an array`;
  for (const [j, range] of entry.ranges.entries()) {
    const r = `${at}.ranges[${j}]`;
    if (!isObject(range)) return `${r} is not an object`;
    if (typeof range.type !== 'string') return `${r}.type is missing or not a string`;
    if (!Array.isArray(range.events)) return `${r}.events is missing or not an array`;
    for (const [k, event] of range.events.entries()) {
      if (!isObject(event)) return `${r}.events[${k}] is not an object`;
      const keys = Object.keys(event);
      // OSV schema "events": each event is exactly one of introduced, fixed, last_affected, limit.
      if (keys.length !== 1 || !['introduced', 'fixed', 'last_affected', 'limit'].includes(keys[0]!)) {
        return `${r}.events[${k}] is not one of introduced, fixed, last_affected, limit`;
      }
      if (typeof event[keys[0]!] !== 'string') return `${r}.events[${k}].${keys[0]} is not a string`;
    }
  }
  return undefined;
}

function severityProblem(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return `"${at}" is not an array`;
  for (const s of value) {
    if (!isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string') return `"${at}" entries need string "type" and "score"`;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
