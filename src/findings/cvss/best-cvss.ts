/**
 * Turns OSV `severity[]` entries into CvssScore values, headline first. OSV schema 1.6 "severity":
 * `type` is CVSS_V2, CVSS_V3 or CVSS_V4 (other types, e.g. `Ubuntu`, are not CVSS) and `score`
 * holds the vector string. The vector's own prefix decides its version, so a CVSS_V3 entry may be
 * 3.0 or 3.1.
 *
 * Headline order 3.1 > 4.0 > 3.0 > 2.0: NVD and most advisory sources still publish and lead with
 * v3.1, so it is the score users can compare against other tools; v4.0 comes next as the newer
 * standard, then the older 3.0 and 2.0. Every valid vector stays in the array, only reordered.
 */
import type { CvssScore } from '../types.js';
import { parseCvss } from './parse.js';
import { scoreParsedCvss } from './score.js';

export interface OsvSeverityEntry {
  type: string;
  score: string;
}

const CVSS_TYPES = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);
const HEADLINE_RANK: Readonly<Record<string, number>> = { '3.1': 0, '4.0': 1, '3.0': 2, '2.0': 3 };

/**
 * All valid CVSS vectors among `entries` as CvssScore, the preferred headline first (stable within
 * a version). Invalid vectors and non-CVSS types are left out; repeated vectors appear once.
 */
export function bestCvss(entries: readonly OsvSeverityEntry[], source?: string): CvssScore[] {
  const scores: CvssScore[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!CVSS_TYPES.has(entry.type) || typeof entry.score !== 'string') continue;
    const parsed = parseCvss(entry.score);
    if (parsed === undefined || seen.has(parsed.vector)) continue;
    seen.add(parsed.vector);
    const { version, score, severity } = scoreParsedCvss(parsed);
    scores.push({ version, vector: parsed.vector, score, severity, ...(source === undefined ? {} : { source }) });
  }
  return scores.sort((a, b) => (HEADLINE_RANK[a.version] ?? 9) - (HEADLINE_RANK[b.version] ?? 9));
}
