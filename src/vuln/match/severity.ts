import type { CvssScore, Severity } from '../../findings/types.js';
import { bestCvss } from '../../findings/cvss/index.js';
import type { OsvAffected, OsvRecord } from '../db/types.js';

export interface SeverityVerdict {
  severity: Severity;
  /** `distro:Debian`, `cvss:3.1`, `ghsa`, `unknown`. */
  source: string;
  cvss: CvssScore[];
  distroSeverity?: string;
}

/** Distro and advisory-database words for severity, as the feeds spell them, to our scale. */
const WORDS: Record<string, Severity> = {
  unimportant: 'negligible',
  negligible: 'negligible',
  low: 'low',
  medium: 'medium',
  moderate: 'medium',
  high: 'high',
  important: 'high',
  critical: 'critical',
};

function word(value: unknown): Severity | undefined {
  return typeof value === 'string' ? WORDS[value.trim().toLowerCase()] : undefined;
}

/**
 * The severity of one vulnerability in one package. For OS packages the distribution's own rating
 * wins when it has one (it weighs how the package is built and used in that release, as distro
 * scanners do); otherwise the headline CVSS score's rating, then the advisory database's word
 * (GHSA `database_specific.severity`), else `unknown`.
 */
export function chooseSeverity(records: { record: OsvRecord; affected: OsvAffected }[], isOsPackage: boolean): SeverityVerdict {
  const vectors: { type: string; score: string }[] = [];
  const seen = new Set<string>();
  let distro: { severity: Severity; raw: string; from: string } | undefined;
  let database: Severity | undefined;
  for (const { record, affected } of records) {
    for (const s of [...(affected.severity ?? []), ...(record.severity ?? [])]) {
      if (s.type.startsWith('CVSS_') && !seen.has(s.score)) {
        seen.add(s.score);
        vectors.push(s);
      } else if (s.type === 'Ubuntu' && word(s.score)) {
        distro ??= { severity: word(s.score)!, raw: s.score, from: 'Ubuntu' };
      }
    }
    const eco = affected.ecosystem_specific ?? {};
    const urgency = eco['urgency'] ?? eco['severity'];
    const urgencyWord = typeof urgency === 'string' ? urgency.replace(/\*+$/, '').trim() : undefined;
    if (urgencyWord && word(urgencyWord)) distro ??= { severity: word(urgencyWord)!, raw: urgencyWord, from: affected.package?.ecosystem ?? 'distro' };
    database ??= word(record.database_specific?.['severity']);
  }
  const cvss = bestCvss(vectors);
  const headline = cvss[0];
  const base: Omit<SeverityVerdict, 'severity' | 'source'> = { cvss, ...(distro ? { distroSeverity: distro.raw } : {}) };
  if (isOsPackage && distro) return { ...base, severity: distro.severity, source: `distro:${distro.from}` };
  if (headline) return { ...base, severity: headline.severity, source: `cvss:${headline.version}` };
  if (database) return { ...base, severity: database, source: 'advisory' };
  if (distro) return { ...base, severity: distro.severity, source: `distro:${distro.from}` };
  return { ...base, severity: 'unknown', source: 'unknown' };
}
