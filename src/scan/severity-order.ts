import { SEVERITIES, type Severity } from '../findings/types.js';

/** 0 for critical, growing towards unknown: sorts worst first. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function parseSeverity(value: string): Severity | undefined {
  const v = value.trim().toLowerCase();
  return (SEVERITIES as readonly string[]).includes(v) ? (v as Severity) : undefined;
}
