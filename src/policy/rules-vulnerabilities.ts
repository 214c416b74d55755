import { SEVERITIES, type Finding, type FindingKind } from '../findings/index.js';
import { checked, skipped, type Rule, type RuleOutcome, type Violation } from './rule.js';
import type { Policy } from './schema.js';
import type { PolicyFacts } from './types.js';

/**
 * Rules over vulnerability findings. Suppressed findings (ignore file, VEX) never count; with
 * `ignoreUnfixed` only findings that have a fixed version count (the "fixable-only" mode: a gate
 * should ask for what can be done today). `unknown` severity is never above a maximum, as with
 * `scan --fail-on`.
 */

/** Why a finding rule cannot be judged, or undefined when its kind was scanned. */
export function notScanned(facts: PolicyFacts, kind: FindingKind, scanner: string): string | undefined {
  if (facts.scanned?.includes(kind)) return undefined;
  return facts.absentBecause?.findings ?? `the ${scanner} scanner did not run`;
}

interface Considered {
  counted: Finding[];
  notes: string[];
}

function considered(policy: Policy, facts: PolicyFacts): Considered {
  const vulns = facts.findings.filter((f) => f.kind === 'vulnerability');
  const active = vulns.filter((f) => !f.suppression);
  const counted = policy.vulnerabilities?.ignoreUnfixed ? active.filter((f) => f.vulnerability?.fixedVersion !== undefined) : active;
  const notes: string[] = [];
  if (vulns.length > active.length) notes.push(`${vulns.length - active.length} suppressed (ignore file or VEX) not counted`);
  if (active.length > counted.length) notes.push(`${active.length - counted.length} without a fix not counted (ignoreUnfixed)`);
  return { counted, notes };
}

export function findingKeys(f: Finding): string[] {
  return [f.id, ...(f.vulnerability?.ids ?? [])];
}

/** `CVE-2021-23337 (high) in lodash@4.17.15, fixed in 4.17.21` */
export function describeVulnerability(f: Finding, detail: string): string {
  const pkg = f.target.package;
  const where = pkg ? ` in ${pkg.name}@${pkg.version}` : f.target.path ? ` at ${f.target.path}` : '';
  const fix = f.vulnerability?.fixedVersion ? `, fixed in ${f.vulnerability.fixedVersion}` : ', no fix yet';
  return `${f.id} (${detail})${where}${fix}`;
}

function vulnerabilityRule(id: Rule['id'], applies: (p: Policy) => boolean, judge: (policy: Policy, f: Finding) => string | undefined, passNote: (policy: Policy, n: number) => string): Rule {
  return {
    id,
    applies,
    check(policy, facts): RuleOutcome {
      const reason = notScanned(facts, 'vulnerability', 'vulnerability');
      if (reason) return skipped(reason);
      const { counted, notes } = considered(policy, facts);
      const violations: Violation[] = [];
      for (const f of counted) {
        const detail = judge(policy, f);
        if (detail !== undefined) violations.push({ text: describeVulnerability(f, detail), keys: findingKeys(f) });
      }
      return checked(violations, [passNote(policy, counted.length), ...notes]);
    },
  };
}

export const vulnerabilitySeverity = vulnerabilityRule(
  'vulnerability-severity',
  (p) => p.vulnerabilities?.maxSeverity !== undefined,
  (policy, f) => {
    const max = SEVERITIES.indexOf(policy.vulnerabilities!.maxSeverity!);
    const rank = SEVERITIES.indexOf(f.severity);
    return f.severity !== 'unknown' && rank < max ? f.severity : undefined;
  },
  (policy, n) => `${n} vulnerabilities counted, maximum severity ${policy.vulnerabilities!.maxSeverity}`,
);

/** The highest base score any source published for the finding, with where it came from. */
export function highestCvss(f: Finding): { score: number; label: string } | undefined {
  let best: { score: number; label: string } | undefined;
  for (const c of f.vulnerability?.cvss ?? []) {
    if (!best || c.score > best.score) best = { score: c.score, label: `CVSS ${c.score} v${c.version}${c.source ? ` ${c.source}` : ''}` };
  }
  return best;
}

export const vulnerabilityCvss = vulnerabilityRule(
  'vulnerability-cvss',
  (p) => p.vulnerabilities?.maxCvss !== undefined,
  (policy, f) => {
    const best = highestCvss(f);
    return best && best.score > policy.vulnerabilities!.maxCvss! ? best.label : undefined;
  },
  (policy, n) => `${n} vulnerabilities counted, maximum CVSS ${policy.vulnerabilities!.maxCvss} (the highest score any source gives; findings without CVSS are not judged)`,
);

export const vulnerabilityKev = vulnerabilityRule(
  'vulnerability-kev',
  (p) => p.vulnerabilities?.forbidKev === true,
  (_policy, f) => (f.vulnerability?.kev ? `in CISA KEV since ${f.vulnerability.kev.dateAdded}${f.vulnerability.kev.knownRansomware ? ', used by ransomware' : ''}` : undefined),
  (_policy, n) => `${n} vulnerabilities counted against the CISA KEV catalogue`,
);
