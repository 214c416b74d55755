import type { VersionScheme } from '../versions/index.js';
import type { OsvAffected, OsvEvent, OsvRange } from '../db/types.js';

/** Why a version is affected, and the fix on its line. */
export interface AffectedVerdict {
  /** `versions` (listed explicitly) or `range:ECOSYSTEM introduced=1.0 fixed=1.2`. */
  matchedBy: string;
  /** The lowest `fixed` event above the installed version in the range that matched. */
  fixedVersion?: string;
  /** Every `fixed` event the entry names, for the report. */
  fixedVersions: string[];
}

/**
 * Whether `version` is affected according to one OSV `affected[]` entry (OSV schema 1.6,
 * "Evaluation": a version is affected when it is listed in `versions` or falls in any range).
 * `schemeFor` returns the ordering of a range type: ECOSYSTEM ranges use the ecosystem's scheme,
 * SEMVER ranges semantic versioning; GIT ranges cannot be evaluated against package versions.
 */
export function evaluateAffected(
  version: string,
  affected: OsvAffected,
  schemeFor: (rangeType: string) => VersionScheme | undefined,
): AffectedVerdict | undefined {
  const fixedVersions: string[] = [];
  for (const r of affected.ranges ?? []) for (const e of r.events ?? []) if (e.fixed !== undefined) fixedVersions.push(e.fixed);
  let verdict: AffectedVerdict | undefined;
  for (const r of affected.ranges ?? []) {
    const scheme = schemeFor(r.type);
    if (!scheme || !Array.isArray(r.events)) continue;
    const hit = inRange(version, r, scheme);
    if (hit) {
      // several ranges may cover the version (overlapping GHSA ranges); keep the one with a fix
      if (!verdict || (verdict.fixedVersion === undefined && hit.fixedVersion !== undefined)) verdict = { ...hit, fixedVersions };
    }
  }
  if (!verdict && affected.versions?.length) {
    const scheme = schemeFor('ECOSYSTEM');
    const listed = affected.versions.some((v) => v === version || (scheme !== undefined && scheme.compare(v, version) === 0));
    if (listed) {
      const fix = scheme ? lowestAbove(version, fixedVersions, scheme) : undefined;
      verdict = { matchedBy: 'versions', fixedVersions, ...(fix !== undefined ? { fixedVersion: fix } : {}) };
    }
  }
  if (verdict && verdict.fixedVersions.length > 1) {
    const scheme = schemeFor('ECOSYSTEM') ?? schemeFor('SEMVER');
    if (scheme) verdict.fixedVersions = uniqueSorted(verdict.fixedVersions, scheme);
  }
  return verdict;
}

type Hit = Omit<AffectedVerdict, 'fixedVersions'>;

function inRange(version: string, range: OsvRange, scheme: VersionScheme): Hit | undefined {
  const cmp = (a: string, b: string): number => (a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : scheme.compare(a, b));
  // `limit` caps the range: versions at or above any limit are outside it
  for (const e of range.events) {
    if (e.limit !== undefined && e.limit !== '*' && cmp(version, e.limit) >= 0) return undefined;
  }
  const events = sortEvents(range.events, cmp);
  let affected = false;
  let introduced: string | undefined;
  for (const e of events) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || cmp(version, e.introduced) >= 0) {
        affected = true;
        introduced = e.introduced;
      }
    } else if (e.fixed !== undefined) {
      if (cmp(version, e.fixed) >= 0) affected = false;
    } else if (e.last_affected !== undefined) {
      if (cmp(version, e.last_affected) > 0) affected = false;
    }
  }
  if (!affected) return undefined;
  const next = events.find((e) => e.fixed !== undefined && cmp(e.fixed, version) > 0);
  const upper = events.find((e) => (e.fixed !== undefined || e.last_affected !== undefined) && cmp(e.fixed ?? e.last_affected!, version) >= 0);
  const parts = [`range:${range.type}`, `introduced=${introduced ?? '0'}`];
  if (upper?.fixed !== undefined) parts.push(`fixed=${upper.fixed}`);
  else if (upper?.last_affected !== undefined) parts.push(`last_affected=${upper.last_affected}`);
  return { matchedBy: parts.join(' '), ...(next?.fixed !== undefined ? { fixedVersion: next.fixed } : {}) };
}

/**
 * Events in version order; at equal versions `introduced` comes first so that `introduced: X,
 * fixed: X` is the empty range it means.
 */
function sortEvents(events: OsvEvent[], cmp: (a: string, b: string) => number): OsvEvent[] {
  const key = (e: OsvEvent): string | undefined => e.introduced ?? e.fixed ?? e.last_affected;
  return events
    .filter((e) => key(e) !== undefined)
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      const c = cmp(key(x.e)!, key(y.e)!);
      if (c !== 0) return c;
      const xi = x.e.introduced !== undefined ? 0 : 1;
      const yi = y.e.introduced !== undefined ? 0 : 1;
      return xi - yi || x.i - y.i;
    })
    .map((x) => x.e);
}

function lowestAbove(version: string, candidates: string[], scheme: VersionScheme): string | undefined {
  let best: string | undefined;
  for (const c of candidates) {
    if (scheme.compare(c, version) > 0 && (best === undefined || scheme.compare(c, best) < 0)) best = c;
  }
  return best;
}

function uniqueSorted(versions: string[], scheme: VersionScheme): string[] {
  return [...new Set(versions)].sort((a, b) => scheme.compare(a, b));
}
