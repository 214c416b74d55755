/** Applies every selected check to the gathered facts (pure: the same facts give the same results). */
import { CHECKS_BY_SECTION } from './checks/index.js';
import type { CheckResult, HostFacts } from './types.js';

export const SECTIONS = [1, 2, 3, 4, 5] as const;

export function evaluateBenchmark(facts: HostFacts, sections: readonly number[] = SECTIONS): CheckResult[] {
  const results: CheckResult[] = [];
  for (const section of sections) {
    for (const check of CHECKS_BY_SECTION[section] ?? []) {
      const judgement = check.judge(facts);
      results.push({
        id: check.id,
        section,
        title: check.title,
        level: check.level,
        automated: check.automated,
        severity: check.severity,
        verdict: judgement.verdict,
        evidence: judgement.evidence,
        reads: check.reads,
        remediation: check.remediation,
        failures: judgement.failures ?? [],
      });
    }
  }
  return results;
}
