/**
 * Benchmark results as Findings (kind `misconfiguration`, id `CIS-DOCKER-<number>`), so every report
 * format renders them. A failed container check gives one finding per container; passing checks
 * become findings only when asked (severity `negligible`, evidence `verdict: pass`).
 */
import type { Finding } from '../../findings/types.js';
import type { CheckResult } from './types.js';

export function benchFindings(results: readonly CheckResult[], options: { showPassed?: boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  for (const r of results) {
    const failing = r.verdict === 'warn';
    if (!failing && !options.showPassed) continue;
    const base = (subject: string | undefined, detail: string): Finding => ({
      id: `CIS-DOCKER-${r.id}`,
      kind: 'misconfiguration',
      severity: failing ? r.severity : 'negligible',
      title: `CIS ${r.id}: ${r.title}${subject ? ` (${subject})` : ''}`,
      target: subject && r.section >= 4 ? { container: subject } : subject ? { path: subject } : {},
      remediation: r.remediation,
      evidence: { cis: r.id, verdict: r.verdict, assessment: r.automated ? 'automated' : 'manual', level: String(r.level), reads: r.reads, detail },
    });
    if (failing && r.failures.length > 0) for (const f of r.failures) findings.push(base(f.subject, f.detail));
    else findings.push(base(undefined, r.evidence));
  }
  return findings;
}

/** One line: how many checks passed, failed, had nothing to judge, or need a person. */
export function benchSummary(results: readonly CheckResult[]): string {
  const count = (v: CheckResult['verdict']) => results.filter((r) => r.verdict === v).length;
  return `CIS Docker Benchmark v1.6.0: ${results.length} checks, ${count('pass')} pass, ${count('warn')} warn, ${count('info')} info, ${count('manual')} manual`;
}
