/**
 * CVSS v2.0 metrics and Base equation, from "A Complete Guide to the Common Vulnerability Scoring
 * System Version 2.0" (FIRST, 2007): section 2 (metrics), 2.4 (vector), 3.2.1 (Base equation).
 */
import type { MetricDefinition } from './types.js';

/** Section 2.4, Table 13: the vector lists the metrics in this order. */
export const V2_METRICS: readonly MetricDefinition[] = [
  { name: 'AV', values: ['L', 'A', 'N'], mandatory: true },
  { name: 'AC', values: ['H', 'M', 'L'], mandatory: true },
  { name: 'Au', values: ['M', 'S', 'N'], mandatory: true },
  { name: 'C', values: ['N', 'P', 'C'], mandatory: true },
  { name: 'I', values: ['N', 'P', 'C'], mandatory: true },
  { name: 'A', values: ['N', 'P', 'C'], mandatory: true },
  // Temporal (2.2) and Environmental (2.3) metrics; ND = Not Defined.
  { name: 'E', values: ['U', 'POC', 'F', 'H', 'ND'], mandatory: false },
  { name: 'RL', values: ['OF', 'TF', 'W', 'U', 'ND'], mandatory: false },
  { name: 'RC', values: ['UC', 'UR', 'C', 'ND'], mandatory: false },
  { name: 'CDP', values: ['N', 'L', 'LM', 'MH', 'H', 'ND'], mandatory: false },
  { name: 'TD', values: ['N', 'L', 'M', 'H', 'ND'], mandatory: false },
  { name: 'CR', values: ['L', 'M', 'H', 'ND'], mandatory: false },
  { name: 'IR', values: ['L', 'M', 'H', 'ND'], mandatory: false },
  { name: 'AR', values: ['L', 'M', 'H', 'ND'], mandatory: false },
];

// Section 3.2.1 metric weights.
const ACCESS_VECTOR: Record<string, number> = { L: 0.395, A: 0.646, N: 1.0 };
const ACCESS_COMPLEXITY: Record<string, number> = { H: 0.35, M: 0.61, L: 0.71 };
const AUTHENTICATION: Record<string, number> = { M: 0.45, S: 0.56, N: 0.704 };
const IMPACT: Record<string, number> = { N: 0.0, P: 0.275, C: 0.66 };

/** Section 3.2.1 "round_to_1_decimal": ordinary half-up rounding to one decimal. */
function roundToOneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

function weight(table: Record<string, number>, value: string | undefined): number {
  const w = value === undefined ? undefined : table[value];
  // parseCvss guarantees every Base metric is present with an allowed value.
  if (w === undefined) throw new Error(`CVSS v2 metric value ${String(value)} has no weight`);
  return w;
}

/** The v2 Base score of validated metrics (section 3.2.1). */
export function scoreV2Base(metrics: Readonly<Record<string, string>>): number {
  const impact =
    10.41 *
    (1 -
      (1 - weight(IMPACT, metrics['C'])) *
        (1 - weight(IMPACT, metrics['I'])) *
        (1 - weight(IMPACT, metrics['A'])));
  const exploitability =
    20 *
    weight(ACCESS_VECTOR, metrics['AV']) *
    weight(ACCESS_COMPLEXITY, metrics['AC']) *
    weight(AUTHENTICATION, metrics['Au']);
  const fImpact = impact === 0 ? 0 : 1.176;
  return roundToOneDecimal((0.6 * impact + 0.4 * exploitability - 1.5) * fImpact);
}
