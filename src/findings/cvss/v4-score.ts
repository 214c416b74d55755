/**
 * CVSS v4.0 score: v4.0 Specification Document section 8 ("CVSS v4.0 Scoring"). A vector falls in
 * one MacroVector (six equivalence classes, Tables 24-29); its score is the MacroVector's published
 * score lowered by how far the vector sits below the class's highest-severity vectors, interpolated
 * towards the next lower MacroVector (section 8.2). The same procedure scores CVSS-B, -BT, -BE and
 * -BTE: absent Threat / Environmental metrics take the values section 8.1 prescribes.
 */
import {
  EQ1_DEPTH,
  EQ1_MAX_VECTORS,
  EQ2_DEPTH,
  EQ2_MAX_VECTORS,
  EQ3_EQ6_DEPTH,
  EQ3_EQ6_MAX_VECTORS,
  EQ4_DEPTH,
  EQ4_MAX_VECTORS,
  EQ5_MAX_VECTORS,
  MACROVECTOR_SCORES,
  type VectorFragment,
} from './v4-data.js';

type Metrics = Readonly<Record<string, string>>;

/**
 * Severity level of each value in steps of 0.1, highest severity lowest. Kept as integers so that
 * distances are exact; the FIRST data uses the same steps (SC starts at 1: it has no Safety value).
 */
const LEVELS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  AV: { N: 0, A: 1, L: 2, P: 3 },
  PR: { N: 0, L: 1, H: 2 },
  UI: { N: 0, P: 1, A: 2 },
  AC: { L: 0, H: 1 },
  AT: { N: 0, P: 1 },
  VC: { H: 0, L: 1, N: 2 },
  VI: { H: 0, L: 1, N: 2 },
  VA: { H: 0, L: 1, N: 2 },
  SC: { H: 1, L: 2, N: 3 },
  SI: { S: 0, H: 1, L: 2, N: 3 },
  SA: { S: 0, H: 1, L: 2, N: 3 },
  CR: { H: 0, M: 1, L: 2 },
  IR: { H: 0, M: 1, L: 2 },
  AR: { H: 0, M: 1, L: 2 },
  E: { A: 0, P: 1, U: 2 },
};

/** Section 8.1: Not Defined Threat and Security Requirement metrics score as their worst case. */
const NOT_DEFINED_DEFAULTS: Readonly<Record<string, string>> = { E: 'A', CR: 'H', IR: 'H', AR: 'H' };

/** The value a metric scores with: its Modified (M*) value when given, else the Base value. */
export function effectiveValue(metrics: Metrics, name: string): string {
  const fallback = NOT_DEFINED_DEFAULTS[name];
  if (fallback !== undefined) {
    const given = metrics[name];
    return given === undefined || given === 'X' ? fallback : given;
  }
  const modified = metrics[`M${name}`];
  if (modified !== undefined && modified !== 'X') return modified;
  const base = metrics[name];
  if (base === undefined) throw new Error(`CVSS v4.0 metric ${name} missing after validation`);
  return base;
}

/** Section 8.1, Tables 24-29: the MacroVector as six digits, EQ1 first. */
export function macroVector(metrics: Metrics): string {
  const v = (name: string) => effectiveValue(metrics, name);
  const [av, pr, ui] = [v('AV'), v('PR'), v('UI')];
  const anyNetworkOrNone = av === 'N' || pr === 'N' || ui === 'N';
  const eq1 = av === 'N' && pr === 'N' && ui === 'N' ? 0 : anyNetworkOrNone && av !== 'P' ? 1 : 2;
  const eq2 = v('AC') === 'L' && v('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [v('VC'), v('VI'), v('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const [sc, si, sa] = [v('SC'), v('SI'), v('SA')];
  // SI / SA carry MSI / MSA here, so Safety (S) shows through.
  const eq4 = si === 'S' || sa === 'S' ? 0 : sc === 'H' || si === 'H' || sa === 'H' ? 1 : 2;
  const e = v('E');
  const eq5 = e === 'A' ? 0 : e === 'P' ? 1 : 2;
  const eq6 = (v('CR') === 'H' && vc === 'H') || (v('IR') === 'H' && vi === 'H') || (v('AR') === 'H' && va === 'H') ? 0 : 1;
  return `${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`;
}

function scoreOf(digits: readonly number[]): number | undefined {
  return MACROVECTOR_SCORES[digits.join('')];
}

function withDigit(digits: readonly number[], index: number, value: number): number[] {
  const copy = [...digits];
  copy[index] = value;
  return copy;
}

/** Score of the next lower MacroVector along EQ3+EQ6 (section 8.2: they move together). */
function lowerEq3Eq6Score(d: readonly number[]): number | undefined {
  const [eq3, eq6] = [d[2], d[5]];
  const candidates: number[][] = [];
  if (eq3 === 0 && eq6 === 0) candidates.push(withDigit(d, 5, 1), withDigit(d, 2, 1));
  else if (eq3 === 0 && eq6 === 1) candidates.push(withDigit(d, 2, 1));
  else if (eq3 === 1 && eq6 === 0) candidates.push(withDigit(d, 5, 1));
  else if (eq3 === 1 && eq6 === 1) candidates.push(withDigit(d, 2, 2));
  // eq3 = 2 (with eq6 = 1) is the lowest class: nothing below it.
  const scores = candidates.map(scoreOf).filter((s): s is number => s !== undefined);
  return scores.length === 0 ? undefined : Math.max(...scores);
}

/** Every combination of the classes' highest-severity vectors, EQ1 varying slowest. */
function maxVectorCandidates(d: readonly number[]): VectorFragment[] {
  const groups = [
    EQ1_MAX_VECTORS[d[0]!] ?? [],
    EQ2_MAX_VECTORS[d[1]!] ?? [],
    EQ3_EQ6_MAX_VECTORS[`${d[2]}${d[5]}`] ?? [],
    EQ4_MAX_VECTORS[d[3]!] ?? [],
    EQ5_MAX_VECTORS[d[4]!] ?? [],
  ];
  let combined: VectorFragment[] = [{}];
  for (const group of groups) combined = combined.flatMap((prefix) => group.map((part) => ({ ...prefix, ...part })));
  return combined;
}

function level(name: string, value: string): number {
  const l = LEVELS[name]?.[value];
  if (l === undefined) throw new Error(`CVSS v4.0 value ${name}:${value} has no severity level`);
  return l;
}

/** Per-metric distance (in 0.1 steps) of the vector below a highest-severity vector. */
function distancesTo(metrics: Metrics, max: VectorFragment): Record<string, number> {
  const distances: Record<string, number> = {};
  for (const name of Object.keys(LEVELS)) {
    distances[name] = level(name, effectiveValue(metrics, name)) - level(name, max[name] ?? '');
  }
  return distances;
}

/** Least common multiple of the class depths 1..10, so every proportion is an integer fraction of it. */
const LCM_DEPTHS = 2520;

const sum = (d: Record<string, number>, names: readonly string[]) => names.reduce((t, n) => t + (d[n] ?? 0), 0);

/** Section 8.2: the score, rounded to one decimal, of validated v4.0 metrics. */
export function scoreV4(metrics: Metrics): number {
  const impact = ['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].map((n) => effectiveValue(metrics, n));
  if (impact.every((value) => value === 'N')) return 0;

  const macro = macroVector(metrics);
  const d = [...macro].map(Number);
  const value = MACROVECTOR_SCORES[macro];
  if (value === undefined) throw new Error(`CVSS v4.0 MacroVector ${macro} has no score`);

  // The highest-severity vector the scored vector sits at or below in every metric. The FIRST data
  // guarantees one exists; should it not, the last candidate is used, as the FIRST calculator does.
  const candidates = maxVectorCandidates(d);
  let distances: Record<string, number> = {};
  for (const candidate of candidates) {
    distances = distancesTo(metrics, candidate);
    if (Object.values(distances).every((x) => x >= 0)) break;
  }

  // For each EQ with a lower MacroVector: available score difference × proportion of the depth.
  const eq3eq6Key = `${d[2]}${d[5]}`;
  const steps: { lower: number | undefined; distance: number; depth: number }[] = [
    { lower: scoreOf(withDigit(d, 0, d[0]! + 1)), distance: sum(distances, ['AV', 'PR', 'UI']), depth: EQ1_DEPTH[d[0]!]! },
    { lower: scoreOf(withDigit(d, 1, d[1]! + 1)), distance: sum(distances, ['AC', 'AT']), depth: EQ2_DEPTH[d[1]!]! },
    {
      lower: lowerEq3Eq6Score(d),
      distance: sum(distances, ['VC', 'VI', 'VA', 'CR', 'IR', 'AR']),
      depth: EQ3_EQ6_DEPTH[eq3eq6Key]!,
    },
    { lower: scoreOf(withDigit(d, 3, d[3]! + 1)), distance: sum(distances, ['SC', 'SI', 'SA']), depth: EQ4_DEPTH[d[3]!]! },
    // EQ5 has a single value per class: its proportion is always 0, but it still counts in the mean.
    { lower: scoreOf(withDigit(d, 4, d[4]! + 1)), distance: 0, depth: 1 },
  ];
  // Exact arithmetic in tenths over a common denominator: the spec rounds the mean-adjusted score
  // half up to one decimal, and floating point would turn an exact x.x5 into x.x4999... and round
  // it down. LCM_DEPTHS is divisible by every class depth (1..10).
  const tenths = (score: number) => Math.round(score * 10);
  let numerator = 0;
  let counted = 0;
  for (const step of steps) {
    if (step.lower === undefined) continue;
    counted += 1;
    numerator += (tenths(value) - tenths(step.lower)) * step.distance * (LCM_DEPTHS / step.depth);
  }
  if (counted === 0) return value;
  const denominator = LCM_DEPTHS * counted;
  const scoreNumerator = Math.min(100 * denominator, Math.max(0, tenths(value) * denominator - numerator));
  // Half up: floor(n / d + 1/2) for n >= 0.
  return Math.floor((2 * scoreNumerator + denominator) / (2 * denominator)) / 10;
}
