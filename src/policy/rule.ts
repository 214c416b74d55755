import type { Policy } from './schema.js';
import type { PolicyFacts } from './types.js';
import type { RuleId } from './rule-ids.js';

/** One thing a rule found wrong. `keys` are what an exception's `findings` list may name to except it. */
export interface Violation {
  text: string;
  keys: string[];
}

/** What a rule decides before exceptions are applied. */
export type RuleOutcome =
  | { verdict: 'skipped'; reason: string }
  | { verdict: 'checked'; violations: Violation[]; notes: string[] };

/** A rule: present in the result only when the policy configures it (`applies`). */
export interface Rule {
  id: RuleId;
  applies(policy: Policy): boolean;
  check(policy: Policy, facts: PolicyFacts, now: Date): RuleOutcome;
}

export function skipped(reason: string): RuleOutcome {
  return { verdict: 'skipped', reason };
}

export function checked(violations: Violation[], notes: string[] = []): RuleOutcome {
  return { verdict: 'checked', violations, notes };
}

export const DAY_MS = 86_400_000;
