/**
 * CVSS v3.0 and v3.1 metrics and Base equations. v3.1 Specification Document section 7.1 (Base
 * equations), 7.4 (metric values) and Appendix A (Roundup); v3.0 Specification Document section 8.1
 * and 8.4. The two versions share metrics and Base equations and differ in how they round up.
 */
import type { MetricDefinition } from './types.js';

/** v3.1 section 6, Table 15 (same in v3.0 section 6, Table 12). */
export const V3_METRICS: readonly MetricDefinition[] = [
  { name: 'AV', values: ['N', 'A', 'L', 'P'], mandatory: true },
  { name: 'AC', values: ['L', 'H'], mandatory: true },
  { name: 'PR', values: ['N', 'L', 'H'], mandatory: true },
  { name: 'UI', values: ['N', 'R'], mandatory: true },
  { name: 'S', values: ['U', 'C'], mandatory: true },
  { name: 'C', values: ['H', 'L', 'N'], mandatory: true },
  { name: 'I', values: ['H', 'L', 'N'], mandatory: true },
  { name: 'A', values: ['H', 'L', 'N'], mandatory: true },
  // Temporal (section 3) and Environmental (section 4) metrics; X = Not Defined.
  { name: 'E', values: ['X', 'H', 'F', 'P', 'U'], mandatory: false },
  { name: 'RL', values: ['X', 'U', 'W', 'T', 'O'], mandatory: false },
  { name: 'RC', values: ['X', 'C', 'R', 'U'], mandatory: false },
  { name: 'CR', values: ['X', 'H', 'M', 'L'], mandatory: false },
  { name: 'IR', values: ['X', 'H', 'M', 'L'], mandatory: false },
  { name: 'AR', values: ['X', 'H', 'M', 'L'], mandatory: false },
  { name: 'MAV', values: ['X', 'N', 'A', 'L', 'P'], mandatory: false },
  { name: 'MAC', values: ['X', 'L', 'H'], mandatory: false },
  { name: 'MPR', values: ['X', 'N', 'L', 'H'], mandatory: false },
  { name: 'MUI', values: ['X', 'N', 'R'], mandatory: false },
  { name: 'MS', values: ['X', 'U', 'C'], mandatory: false },
  { name: 'MC', values: ['X', 'H', 'L', 'N'], mandatory: false },
  { name: 'MI', values: ['X', 'H', 'L', 'N'], mandatory: false },
  { name: 'MA', values: ['X', 'H', 'L', 'N'], mandatory: false },
];

// Section 7.4 metric values.
const ATTACK_VECTOR: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const ATTACK_COMPLEXITY: Record<string, number> = { L: 0.77, H: 0.44 };
const PRIVILEGES_SCOPE_UNCHANGED: Record<string, number> = { N: 0.85, L: 0.62, H: 0.27 };
const PRIVILEGES_SCOPE_CHANGED: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };
const USER_INTERACTION: Record<string, number> = { N: 0.85, R: 0.62 };
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };

/**
 * v3.1 Appendix A: Roundup works on an integer of 1e5 times the input so that a sum such as
 * 4.000000000000001 (floating-point noise) rounds to 4.0, not 4.1.
 */
export function roundUpV31(value: number): number {
  const scaled = Math.round(value * 100000);
  if (scaled % 10000 === 0) return scaled / 100000;
  return (Math.floor(scaled / 10000) + 1) / 10;
}

/** v3.0 section 8.1: "the smallest number, specified to one decimal place, equal to or higher than its input". */
export function roundUpV30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

function weight(table: Record<string, number>, value: string | undefined): number {
  const w = value === undefined ? undefined : table[value];
  // parseCvss guarantees every Base metric is present with an allowed value.
  if (w === undefined) throw new Error(`CVSS v3 metric value ${String(value)} has no weight`);
  return w;
}

/** The v3.0 / v3.1 Base score of validated metrics (v3.1 section 7.1). */
export function scoreV3Base(metrics: Readonly<Record<string, string>>, version: '3.0' | '3.1'): number {
  const roundUp = version === '3.1' ? roundUpV31 : roundUpV30;
  const scopeChanged = metrics['S'] === 'C';
  const iss =
    1 -
    (1 - weight(CIA, metrics['C'])) * (1 - weight(CIA, metrics['I'])) * (1 - weight(CIA, metrics['A']));
  const impact = scopeChanged ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability =
    8.22 *
    weight(ATTACK_VECTOR, metrics['AV']) *
    weight(ATTACK_COMPLEXITY, metrics['AC']) *
    weight(scopeChanged ? PRIVILEGES_SCOPE_CHANGED : PRIVILEGES_SCOPE_UNCHANGED, metrics['PR']) *
    weight(USER_INTERACTION, metrics['UI']);
  if (impact <= 0) return 0;
  const sum = scopeChanged ? 1.08 * (impact + exploitability) : impact + exploitability;
  return roundUp(Math.min(sum, 10));
}
