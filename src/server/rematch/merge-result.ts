/**
 * A re-match's result: the vulnerability findings come from matching the stored analysis against
 * the new database; everything the other scanners found (secrets, configuration, malware) stays as
 * the previous scan recorded it, because those depend on file contents the server no longer holds.
 * Suppressions the previous scan carried (ignore files, VEX applied in CI) are kept for the same
 * finding on the same package, so a re-match does not silently re-activate an accepted risk.
 */
import { SEVERITIES, type Finding, type Severity } from '../../findings/types.js';
import type { ScanResult, ScannerName } from '../../findings/scan-result.js';
import { severityRank } from '../../scan/index.js';

/** Warnings that describe the database, not the image: the new match writes its own. */
const DB_WARNING = /vulnerability database/u;

function findingKey(f: Finding): string {
  const p = f.target.package;
  return `${f.id}\0${p?.name ?? ''}\0${p?.version ?? ''}\0${f.target.path ?? ''}`;
}

export function mergeRematch(previous: ScanResult, matched: ScanResult): ScanResult {
  const suppressions = new Map<string, Finding['suppression']>();
  for (const f of previous.findings) if (f.kind === 'vulnerability' && f.suppression) suppressions.set(findingKey(f), f.suppression);
  const vulnerabilities = matched.findings.map((f) => {
    const suppression = suppressions.get(findingKey(f));
    return suppression ? { ...f, suppression } : f;
  });
  const findings = [...vulnerabilities, ...previous.findings.filter((f) => f.kind !== 'vulnerability')];
  // the same order scanAnalysis uses: worst first, then package, then id
  findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.target.package?.name ?? '').localeCompare(b.target.package?.name ?? '') ||
      a.id.localeCompare(b.id),
  );
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppression) summary[f.severity]++;
  const scanners = [...new Set<ScannerName>([...(previous.options.scanners ?? []), 'vuln'])];
  const warnings = [...new Set([...previous.warnings.filter((w) => !DB_WARNING.test(w)), ...matched.warnings])];
  const result: ScanResult = {
    ...previous,
    createdAt: matched.createdAt,
    packagesScanned: matched.packagesScanned,
    findings,
    summary,
    options: { ...previous.options, scanners },
    warnings,
  };
  if (matched.db) result.db = matched.db;
  return result;
}
