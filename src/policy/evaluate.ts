import { RULE_TITLES, type RuleId } from './rule-ids.js';
import type { Rule, Violation } from './rule.js';
import { expiryTime, type Policy, type PolicyException } from './schema.js';
import type { AppliedException, PolicyFacts, PolicyResult, RuleResult } from './types.js';
import { firstMatchingGlob, imageNames } from './image-names.js';
import { healthcheck, imageAge, nonRootUser, requiredLabels, trustedRegistry, trustedRepository } from './rules-image.js';
import { signature } from './rules-signature.js';
import { vulnerabilityCvss, vulnerabilityKev, vulnerabilitySeverity } from './rules-vulnerabilities.js';
import { deniedLicense, deniedPackage, malware, secrets } from './rules-content.js';
import { containerAge, dockerSocket, hostNamespaces, privileged } from './rules-deployment.js';
import { capabilities, hostPaths, noNewPrivileges, readOnlyRootfs, resourceLimits, unconfinedProfile } from './rules-hardening.js';

/** Every rule, in RULE_TITLES order (the order results list them). */
const RULES: readonly Rule[] = [
  trustedRegistry,
  trustedRepository,
  signature,
  vulnerabilitySeverity,
  vulnerabilityCvss,
  vulnerabilityKev,
  deniedPackage,
  deniedLicense,
  secrets,
  malware,
  nonRootUser,
  healthcheck,
  imageAge,
  requiredLabels,
  containerAge,
  privileged,
  hostNamespaces,
  dockerSocket,
  capabilities,
  hostPaths,
  readOnlyRootfs,
  resourceLimits,
  unconfinedProfile,
  noNewPrivileges,
];

/** Evidence lines kept per rule; the rest are counted (a scan can have hundreds of findings). */
export const MAX_EVIDENCE = 50;

interface ScopedException {
  index: number;
  exception: PolicyException;
}

/**
 * The one policy decision every gate makes (CI, registry monitor, admission, runtime): pure over
 * plain data, `now` given so results are reproducible. Only configured rules appear; a rule whose
 * facts are absent is `skipped` with the reason. Exceptions apply to images their globs match until
 * they expire; an expired one in scope no longer applies and adds a warning.
 */
export function evaluatePolicy(policy: Policy, facts: PolicyFacts, now: Date): PolicyResult {
  const warnings: string[] = [];
  const names = imageNames(facts.image);
  const active: ScopedException[] = [];
  for (const [index, exception] of policy.exceptions.entries()) {
    if (!firstMatchingGlob(exception.images, names)) continue;
    if (expiryTime(exception.expires) < now.getTime()) {
      warnings.push(
        `EXPIRED EXCEPTION no longer applies: exceptions[${index}] (${exception.rules?.join(', ') ?? 'all rules'}${exception.findings ? `; ${exception.findings.join(', ')}` : ''}) ` +
          `owned by ${exception.owner} expired ${exception.expires}: "${exception.reason}"`,
      );
      continue;
    }
    active.push({ index, exception });
  }

  const rules: RuleResult[] = [];
  for (const rule of RULES) {
    if (!rule.applies(policy)) continue;
    rules.push(judge(rule.id, rule.check(policy, facts, now), active));
  }
  const skippedCount = rules.filter((r) => r.verdict === 'skipped').length;
  if (skippedCount > 0) warnings.push(`${skippedCount} rule(s) skipped for lack of facts: they were not checked`);
  return { verdict: rules.some((r) => r.verdict === 'fail') ? 'fail' : 'pass', rules, warnings };
}

function judge(id: RuleId, outcome: ReturnType<Rule['check']>, exceptions: ScopedException[]): RuleResult {
  const base = { id, title: RULE_TITLES[id] };
  if (outcome.verdict === 'skipped') return { ...base, verdict: 'skipped', evidence: [outcome.reason] };
  const { violations, notes } = outcome;
  if (violations.length === 0) return { ...base, verdict: 'pass', evidence: notes };

  const forRule = exceptions.filter((e) => e.exception.rules === undefined || e.exception.rules.includes(id));
  // exceptions naming findings take those violations out; the rest of the rule still applies
  const remaining: Violation[] = [];
  const excepted = new Map<number, { scoped: ScopedException; keys: string[] }>();
  for (const v of violations) {
    const scoped = forRule.find((e) => e.exception.findings && namesViolation(e.exception.findings, v));
    if (!scoped) {
      remaining.push(v);
      continue;
    }
    const entry = excepted.get(scoped.index) ?? { scoped, keys: [] };
    entry.keys.push(v.keys[0] ?? v.text);
    excepted.set(scoped.index, entry);
  }
  const exceptedNotes = [...excepted.values()].map(({ scoped, keys }) => `excepted by exceptions[${scoped.index}] (${scoped.exception.owner}, until ${scoped.exception.expires}): ${[...new Set(keys)].join(', ')}`);

  if (remaining.length === 0) {
    const first = [...excepted.values()][0]!;
    const allKeys = [...new Set([...excepted.values()].flatMap((e) => e.keys))];
    return {
      ...base,
      verdict: 'excepted',
      evidence: [...cap(violations.map((v) => v.text)), ...exceptedNotes, ...notes],
      exception: applied(first.scoped, allKeys),
    };
  }
  const wholeRule = forRule.find((e) => e.exception.findings === undefined);
  if (wholeRule) {
    return { ...base, verdict: 'excepted', evidence: [...cap(violations.map((v) => v.text)), ...notes], exception: applied(wholeRule) };
  }
  return { ...base, verdict: 'fail', evidence: [...cap(remaining.map((v) => v.text)), ...exceptedNotes, ...notes] };
}

/** Exception `findings` entries match a violation's keys (finding ids and aliases, package names and purls), case-insensitively. */
function namesViolation(findings: readonly string[], v: Violation): boolean {
  const keys = new Set(v.keys.map((k) => k.toLowerCase()));
  return findings.some((f) => keys.has(f.toLowerCase()));
}

function applied(scoped: ScopedException, findings?: string[]): AppliedException {
  const e = scoped.exception;
  return { index: scoped.index, reason: e.reason, owner: e.owner, expires: e.expires, ...(findings?.length ? { findings } : {}) };
}

function cap(lines: string[]): string[] {
  if (lines.length <= MAX_EVIDENCE) return lines;
  return [...lines.slice(0, MAX_EVIDENCE - 1), `... and ${lines.length - MAX_EVIDENCE + 1} more`];
}
