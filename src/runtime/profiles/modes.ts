/**
 * How the agent's `--mode` and a profile's own mode combine, and when learning ends. Pure.
 */
import { PROFILE_MODES, type BehaviourProfile, type ProfileMode } from './schema.js';

/**
 * The agent's mode is a ceiling: an agent in monitor mode never blocks, whatever a profile says, and
 * a profile still learning is not enforced by an agent in protect mode. The lower of the two wins
 * (learn < monitor < protect).
 */
export function effectiveMode(agentMode: ProfileMode, profileMode: ProfileMode): ProfileMode {
  return PROFILE_MODES.indexOf(agentMode) < PROFILE_MODES.indexOf(profileMode) ? agentMode : profileMode;
}

/**
 * The mode a learning profile moves to now that its `learnUntil` has passed (its `afterLearning`, else
 * `fallback`, the agent's `profiles.afterLearning`); undefined while learning should go on.
 */
export function learningDue(profile: BehaviourProfile, now: Date | number, fallback: 'monitor' | 'protect' = 'monitor'): 'monitor' | 'protect' | undefined {
  if (profile.mode !== 'learn' || profile.learnUntil === undefined) return undefined;
  const nowMs = typeof now === 'number' ? now : now.getTime();
  return Date.parse(profile.learnUntil) <= nowMs ? (profile.afterLearning ?? fallback) : undefined;
}
