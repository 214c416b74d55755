/**
 * The score of a CVSS vector: the Base score for v2.0 and v3.x (Temporal and Environmental metrics
 * are validated but do not change it), and for v4.0 the score of the metrics present, i.e. CVSS-B,
 * -BT, -BE or -BTE (v4.0 specification section 1.3), since v4.0 has one equation for all of them.
 */
import { parseCvss } from './parse.js';
import { severityFromCvss } from './severity.js';
import type { CvssResult, ParsedCvss } from './types.js';
import { scoreV2Base } from './v2.js';
import { scoreV3Base } from './v3.js';
import { scoreV4 } from './v4-score.js';

/** Score and severity of an already validated vector. */
export function scoreParsedCvss(parsed: ParsedCvss): CvssResult {
  let score: number;
  switch (parsed.version) {
    case '2.0':
      score = scoreV2Base(parsed.metrics);
      break;
    case '3.0':
    case '3.1':
      score = scoreV3Base(parsed.metrics, parsed.version);
      break;
    case '4.0':
      score = scoreV4(parsed.metrics);
      break;
  }
  return { version: parsed.version, score, severity: severityFromCvss(parsed.version, score) };
}

/** Score and severity of a vector string, or `undefined` when it is not a valid CVSS vector. */
export function cvssScore(vector: string): CvssResult | undefined {
  const parsed = parseCvss(vector);
  return parsed === undefined ? undefined : scoreParsedCvss(parsed);
}
