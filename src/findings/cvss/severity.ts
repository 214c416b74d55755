/**
 * Qualitative severity of a CVSS score.
 * - v3.0 / v3.1 / v4.0: the FIRST Qualitative Severity Rating Scale (v3.1 specification section 5,
 *   v4.0 specification section 6): None 0.0, Low 0.1-3.9, Medium 4.0-6.9, High 7.0-8.9,
 *   Critical 9.0-10.0. "None" becomes Bulkhead's `negligible`: the finding exists but the score says
 *   it has no impact, which is what `negligible` means in the Finding model.
 * - v2.0 has no official scale; NVD's is used: Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0
 *   (so a v2 score of 0.0 is `low`, as NVD shows it).
 */
import type { Severity } from '../types.js';

/** `version` as in CvssScore (`2.0`, `3.0`, `3.1`, `4.0`); anything else, or a score outside 0-10, is `unknown`. */
export function severityFromCvss(version: string, score: number): Severity {
  if (!Number.isFinite(score) || score < 0 || score > 10) return 'unknown';
  if (version === '2.0') {
    if (score < 4) return 'low';
    return score < 7 ? 'medium' : 'high';
  }
  if (version !== '3.0' && version !== '3.1' && version !== '4.0') return 'unknown';
  if (score === 0) return 'negligible';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  return score < 9 ? 'high' : 'critical';
}
