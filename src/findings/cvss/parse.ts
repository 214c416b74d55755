/**
 * Parses and validates CVSS vector strings of every FIRST version:
 * - v2.0: `AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally wrapped in parentheses as NVD printed them
 *   (v2 guide section 2.4). The guide gives the vector "a predetermined order", so order is enforced.
 * - v3.0 / v3.1: `CVSS:3.x/...` (v3.1 specification section 6).
 * - v4.0: `CVSS:4.0/...` (v4.0 specification section 7).
 * For v3 and v4 metrics are accepted in any order: the order of Tables 15 / 23 is the preferred
 * form, and advisories are published with other orders (github/advisory-database#7448) whose
 * meaning is unambiguous. Every version rejects unknown metrics, disallowed values, repeated
 * metrics, empty components and missing Base metrics. Values are case-sensitive as specified.
 */
import type { CvssVersion, MetricDefinition, ParsedCvss } from './types.js';
import { V2_METRICS } from './v2.js';
import { V3_METRICS } from './v3.js';
import { V4_METRICS } from './v4-metrics.js';

interface VersionRules {
  readonly metrics: readonly MetricDefinition[];
  /** Metrics must follow the definition order. */
  readonly ordered: boolean;
}

const RULES: Readonly<Record<CvssVersion, VersionRules>> = {
  '2.0': { metrics: V2_METRICS, ordered: true },
  '3.0': { metrics: V3_METRICS, ordered: false },
  '3.1': { metrics: V3_METRICS, ordered: false },
  '4.0': { metrics: V4_METRICS, ordered: false },
};

const PREFIXES: Readonly<Record<string, CvssVersion>> = {
  'CVSS:3.0': '3.0',
  'CVSS:3.1': '3.1',
  'CVSS:4.0': '4.0',
  // Not in the v2 guide, but some feeds label v2 vectors this way; the body is still checked as v2.
  'CVSS:2.0': '2.0',
};

/** Splits `prefix/body`, or a bare (possibly parenthesised) v2 body. */
function splitVersion(vector: string): { version: CvssVersion; body: string; vector: string } | undefined {
  if (vector.startsWith('CVSS:')) {
    const slash = vector.indexOf('/');
    if (slash < 0) return undefined;
    const version = PREFIXES[vector.slice(0, slash)];
    return version === undefined ? undefined : { version, body: vector.slice(slash + 1), vector };
  }
  const bare = vector.startsWith('(') && vector.endsWith(')') ? vector.slice(1, -1) : vector;
  return { version: '2.0', body: bare, vector: bare };
}

function parseBody(body: string, rules: VersionRules): Record<string, string> | undefined {
  const positions = new Map(rules.metrics.map((m, i) => [m.name, i]));
  const metrics: Record<string, string> = {};
  let lastPosition = -1;
  for (const component of body.split('/')) {
    const colon = component.indexOf(':');
    if (colon <= 0 || component.indexOf(':', colon + 1) >= 0) return undefined;
    const name = component.slice(0, colon);
    const value = component.slice(colon + 1);
    const position = positions.get(name);
    if (position === undefined) return undefined;
    const definition = rules.metrics[position]!;
    if (!definition.values.includes(value)) return undefined;
    if (Object.hasOwn(metrics, name)) return undefined;
    if (rules.ordered && position < lastPosition) return undefined;
    lastPosition = position;
    metrics[name] = value;
  }
  for (const definition of rules.metrics) {
    if (definition.mandatory && !Object.hasOwn(metrics, definition.name)) return undefined;
  }
  return metrics;
}

/** The validated metrics of a CVSS vector, or `undefined` when the vector is not valid. */
export function parseCvss(vector: string): ParsedCvss | undefined {
  if (typeof vector !== 'string') return undefined;
  const split = splitVersion(vector.trim());
  if (split === undefined) return undefined;
  const metrics = parseBody(split.body, RULES[split.version]);
  if (metrics === undefined) return undefined;
  return { version: split.version, vector: split.vector, metrics };
}
