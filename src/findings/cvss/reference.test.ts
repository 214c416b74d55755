/**
 * Differential test against ae-cvss-calculator (npm dev dependency, {metæffekt}'s implementation of
 * all four FIRST versions): seeded random valid vectors must score identically to one decimal, and
 * seeded random invalid vectors must be rejected by both. The reference is only used here.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseCvss } from './parse.js';
import { scoreParsedCvss } from './score.js';
import type { CvssVersion, MetricDefinition } from './types.js';
import { V2_METRICS } from './v2.js';
import { V3_METRICS } from './v3.js';
import { V4_METRICS } from './v4-metrics.js';
import {
  EQ1_MAX_VECTORS,
  EQ2_MAX_VECTORS,
  EQ3_EQ6_MAX_VECTORS,
  EQ4_MAX_VECTORS,
  EQ5_MAX_VECTORS,
  MACROVECTOR_SCORES,
} from './v4-data.js';

const VECTORS_PER_VERSION = 10_000;

interface ReferenceVector {
  calculateScores(): { base?: number; overall: number };
  isBaseFullyDefined(): boolean;
}
type ReferenceClass = new (vector: string) => ReferenceVector;
let reference: Record<CvssVersion, ReferenceClass>;

before(async () => {
  try {
    // The package is a webpack CommonJS bundle: depending on the loader its classes are the
    // module's named exports or sit on its default export.
    const loaded = (await import('ae-cvss-calculator')) as unknown as Record<string, unknown>;
    const m = ('Cvss2' in loaded ? loaded : loaded['default']) as Record<string, ReferenceClass>;
    reference = { '2.0': m['Cvss2']!, '3.0': m['Cvss3P0']!, '3.1': m['Cvss3P1']!, '4.0': m['Cvss4P0']! };
  } catch (e) {
    throw new Error(`reference ae-cvss-calculator (npm dev dependency) is missing; run npm ci: ${String(e)}`);
  }
});

/** mulberry32: small seeded PRNG so every run checks the same vectors. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

const DEFINITIONS: Record<CvssVersion, readonly MetricDefinition[]> = {
  '2.0': V2_METRICS,
  '3.0': V3_METRICS,
  '3.1': V3_METRICS,
  '4.0': V4_METRICS,
};
const PREFIX: Record<CvssVersion, string> = { '2.0': '', '3.0': 'CVSS:3.0/', '3.1': 'CVSS:3.1/', '4.0': 'CVSS:4.0/' };

/**
 * A random valid vector as [name, value] pairs: all Base metrics, and in about half of the vectors
 * a random subset of the optional (Temporal / Threat / Environmental / Supplemental) metrics. v3 and
 * v4 vectors are sometimes shuffled, which both implementations accept.
 */
function randomComponents(rnd: () => number, version: CvssVersion): [string, string][] {
  const withOptional = rnd() < 0.5;
  const components: [string, string][] = [];
  for (const m of DEFINITIONS[version]) {
    if (m.mandatory || (withOptional && rnd() < 0.5)) components.push([m.name, pick(rnd, m.values)]);
  }
  if (version !== '2.0' && rnd() < 0.2) {
    for (let i = components.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [components[i], components[j]] = [components[j]!, components[i]!];
    }
  }
  return components;
}
const join = (version: CvssVersion, components: [string, string][]) =>
  PREFIX[version] + components.map(([n, v]) => `${n}:${v}`).join('/');

/** Ways to break a valid vector that the specifications rule out. */
// Full value names (`None`, `High`) are left out: the reference accepts them as aliases.
const INVALID_VALUES = ['Q', 'Z', 'S', 'X', 'ND', 'n', 'h', '1', 'HH', 'L+'];
function randomInvalid(rnd: () => number, version: CvssVersion): string {
  const defs = DEFINITIONS[version];
  const components = randomComponents(rnd, version);
  const index = Math.floor(rnd() * components.length);
  const [name, value] = components[index]!;
  const definition = defs.find((m) => m.name === name)!;
  switch (pick(rnd, ['value', 'drop', 'rename', 'colon'] as const)) {
    case 'value': {
      const bad = INVALID_VALUES.filter((v) => !definition.values.includes(v));
      components[index] = [name, pick(rnd, bad)];
      break;
    }
    case 'drop': {
      const mandatory = components.flatMap(([n], i) => (defs.find((m) => m.name === n)!.mandatory ? [i] : []));
      components.splice(pick(rnd, mandatory), 1);
      break;
    }
    case 'rename':
      components[index] = [pick(rnd, ['ZZ', 'Q', `${name}X`, name.toLowerCase()]), value];
      break;
    case 'colon':
      return join(version, components).replace(`${name}:${value}`, `${name}${value}`);
  }
  return join(version, components);
}

function referenceScore(version: CvssVersion, vector: string): number | undefined {
  let v: ReferenceVector;
  // The reference reports odd input with console.warn; keep the test output quiet.
  const warn = console.warn;
  console.warn = () => {};
  try {
    v = new reference[version](vector);
    if (!v.isBaseFullyDefined()) return undefined;
    const scores = v.calculateScores();
    // v2 / v3: the Base score; v4: the score of all metrics given (CVSS-B/BT/BE/BTE).
    return version === '4.0' ? scores.overall : scores.base;
  } catch {
    return undefined;
  } finally {
    console.warn = warn;
  }
}

/**
 * Vectors the reference accepts although the FIRST specification does not. Each entry: a test on
 * the vector and the evidence. v4.0 specification section 2.2 gives the Subsequent System impacts
 * (SC, SI, SA) the values High, Low, None only; Safety (S) exists only for the Modified metrics MSI
 * and MSA (section 4.2), and the FIRST calculator's Base SC/SI/SA lists are N, L, H.
 * ae-cvss-calculator 1.0.13 accepts `SC:S`, `SI:S`, `SA:S` in the Base group (and warns "No
 * severity distances found" while scoring them).
 */
const REFERENCE_TOO_LENIENT: { reason: string; matches: (vector: string) => boolean }[] = [
  { reason: 'v4.0 Base SC/SI/SA with Safety (S)', matches: (v) => v.startsWith('CVSS:4.0/') && /(^|\/)S[CIA]:S(\/|$)/.test(v) },
];

/** Every combination of Base values: small enough for v2 (729) and v3 (2,592), not for v4 (104,976). */
function allBaseVectors(version: CvssVersion): string[] {
  let vectors: [string, string][][] = [[]];
  for (const m of DEFINITIONS[version].filter((d) => d.mandatory)) {
    vectors = vectors.flatMap((prefix) => m.values.map((v): [string, string][] => [...prefix, [m.name, v]]));
  }
  return vectors.map((c) => join(version, c));
}

for (const version of ['2.0', '3.0', '3.1'] as const) {
  it(`CVSS ${version}: every Base vector scores as in ae-cvss-calculator`, (t) => {
    const vectors = allBaseVectors(version);
    const disagreements = vectors.filter((v) => cvssScoreOrUndefined(v) !== referenceScore(version, v));
    t.diagnostic(`${vectors.length - disagreements.length}/${vectors.length} agree`);
    assert.deepEqual(disagreements.slice(0, 20), []);
  });
}

/**
 * One vector per highest-severity vector of every MacroVector: covers all 270 entries of the
 * transcribed FIRST lookup table (random vectors reach only part of them). Safety (S) is only a
 * Modified value, so `SI:S` becomes `SI:H/MSI:S`.
 */
function macroVectorRepresentatives(): string[] {
  const vectors: string[] = [];
  for (const macro of Object.keys(MACROVECTOR_SCORES)) {
    const d = [...macro].map(Number);
    const groups = [
      EQ1_MAX_VECTORS[d[0]!]!,
      EQ2_MAX_VECTORS[d[1]!]!,
      EQ3_EQ6_MAX_VECTORS[`${d[2]}${d[5]}`]!,
      EQ4_MAX_VECTORS[d[3]!]!,
      EQ5_MAX_VECTORS[d[4]!]!,
    ];
    let combined: Record<string, string>[] = [{}];
    for (const group of groups) combined = combined.flatMap((p) => group.map((f) => ({ ...p, ...f })));
    for (const m of combined) {
      const safety = ['SI', 'SA'].filter((n) => m[n] === 'S');
      for (const n of safety) m[n] = 'H';
      const base = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'].map((n) => `${n}:${m[n]}`);
      const rest = ['E', 'CR', 'IR', 'AR'].map((n) => `${n}:${m[n]}`).concat(safety.map((n) => `M${n}:S`));
      vectors.push(`CVSS:4.0/${[...base, ...rest].join('/')}`);
    }
  }
  return vectors;
}

it('CVSS 4.0: the highest-severity vectors of all 270 MacroVectors score as in ae-cvss-calculator', (t) => {
  const vectors = macroVectorRepresentatives();
  const disagreements = vectors.filter((v) => cvssScoreOrUndefined(v) !== referenceScore('4.0', v));
  t.diagnostic(`${vectors.length - disagreements.length}/${vectors.length} agree`);
  assert.deepEqual(disagreements.slice(0, 20), []);
});

function cvssScoreOrUndefined(vector: string): number | undefined {
  const parsed = parseCvss(vector);
  return parsed === undefined ? undefined : scoreParsedCvss(parsed).score;
}

for (const version of ['2.0', '3.0', '3.1', '4.0'] as const) {
  describe(`CVSS ${version} against ae-cvss-calculator`, () => {
    it(`scores ${VECTORS_PER_VERSION} seeded random valid vectors identically`, (t) => {
      const rnd = prng(0xc0ffee + Number(version.replace('.', '')));
      const disagreements: string[] = [];
      for (let i = 0; i < VECTORS_PER_VERSION; i++) {
        const vector = join(version, randomComponents(rnd, version));
        const parsed = parseCvss(vector);
        const ours = parsed === undefined ? undefined : scoreParsedCvss(parsed).score;
        const theirs = referenceScore(version, vector);
        if (ours === undefined || theirs === undefined || ours !== theirs) {
          disagreements.push(`${vector}: ours ${String(ours)}, reference ${String(theirs)}`);
        }
      }
      t.diagnostic(`${VECTORS_PER_VERSION - disagreements.length}/${VECTORS_PER_VERSION} agree`);
      assert.deepEqual(disagreements.slice(0, 20), []);
    });

    it(`rejects ${VECTORS_PER_VERSION} seeded random invalid vectors like the reference`, (t) => {
      const rnd = prng(0xbad + Number(version.replace('.', '')));
      const disagreements: string[] = [];
      let excepted = 0;
      for (let i = 0; i < VECTORS_PER_VERSION; i++) {
        const vector = randomInvalid(rnd, version);
        const ours = parseCvss(vector);
        const theirs = referenceScore(version, vector);
        if (ours !== undefined) disagreements.push(`${vector}: we accept it`);
        else if (theirs !== undefined) {
          if (REFERENCE_TOO_LENIENT.some((e) => e.matches(vector))) excepted += 1;
          else disagreements.push(`${vector}: the reference accepts it`);
        }
      }
      t.diagnostic(`${VECTORS_PER_VERSION - disagreements.length - excepted}/${VECTORS_PER_VERSION} rejected by both, ${excepted} documented exceptions`);
      assert.deepEqual(disagreements.slice(0, 20), []);
    });
  });
}
