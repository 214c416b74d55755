/**
 * CVSS v4.0 metrics, from the v4.0 Specification Document section 7 (vector string, Table 23) and
 * sections 2-5 (metric values). Values are case-sensitive; `X` is Not Defined.
 */
import type { MetricDefinition } from './types.js';

const CIA = ['H', 'L', 'N'];
const MODIFIED_CIA = ['X', 'H', 'L', 'N'];
/** MSI and MSA alone may take Safety (S), section 4.2. */
const MODIFIED_SUBSEQUENT_IA = ['X', 'S', 'H', 'L', 'N'];
const REQUIREMENT = ['X', 'H', 'M', 'L'];

export const V4_METRICS: readonly MetricDefinition[] = [
  // Base (section 2)
  { name: 'AV', values: ['N', 'A', 'L', 'P'], mandatory: true },
  { name: 'AC', values: ['L', 'H'], mandatory: true },
  { name: 'AT', values: ['N', 'P'], mandatory: true },
  { name: 'PR', values: ['N', 'L', 'H'], mandatory: true },
  { name: 'UI', values: ['N', 'P', 'A'], mandatory: true },
  { name: 'VC', values: CIA, mandatory: true },
  { name: 'VI', values: CIA, mandatory: true },
  { name: 'VA', values: CIA, mandatory: true },
  { name: 'SC', values: CIA, mandatory: true },
  { name: 'SI', values: CIA, mandatory: true },
  { name: 'SA', values: CIA, mandatory: true },
  // Threat (section 3)
  { name: 'E', values: ['X', 'A', 'P', 'U'], mandatory: false },
  // Environmental (section 4)
  { name: 'CR', values: REQUIREMENT, mandatory: false },
  { name: 'IR', values: REQUIREMENT, mandatory: false },
  { name: 'AR', values: REQUIREMENT, mandatory: false },
  { name: 'MAV', values: ['X', 'N', 'A', 'L', 'P'], mandatory: false },
  { name: 'MAC', values: ['X', 'L', 'H'], mandatory: false },
  { name: 'MAT', values: ['X', 'N', 'P'], mandatory: false },
  { name: 'MPR', values: ['X', 'N', 'L', 'H'], mandatory: false },
  { name: 'MUI', values: ['X', 'N', 'P', 'A'], mandatory: false },
  { name: 'MVC', values: MODIFIED_CIA, mandatory: false },
  { name: 'MVI', values: MODIFIED_CIA, mandatory: false },
  { name: 'MVA', values: MODIFIED_CIA, mandatory: false },
  { name: 'MSC', values: MODIFIED_CIA, mandatory: false },
  { name: 'MSI', values: MODIFIED_SUBSEQUENT_IA, mandatory: false },
  { name: 'MSA', values: MODIFIED_SUBSEQUENT_IA, mandatory: false },
  // Supplemental (section 5): carried in the vector, never part of the score.
  { name: 'S', values: ['X', 'N', 'P'], mandatory: false },
  { name: 'AU', values: ['X', 'N', 'Y'], mandatory: false },
  { name: 'R', values: ['X', 'A', 'U', 'I'], mandatory: false },
  { name: 'V', values: ['X', 'D', 'C'], mandatory: false },
  { name: 'RE', values: ['X', 'L', 'M', 'H'], mandatory: false },
  { name: 'U', values: ['X', 'Clear', 'Green', 'Amber', 'Red'], mandatory: false },
];

/** Metric groups that name the score (section 1.3 nomenclature: CVSS-B, -BT, -BE, -BTE). */
export const V4_THREAT_METRICS: readonly string[] = ['E'];
export const V4_ENVIRONMENTAL_METRICS: readonly string[] = V4_METRICS.slice(12, 26).map((m) => m.name);
