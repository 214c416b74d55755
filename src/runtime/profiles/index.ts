/** Behaviour profiles: what the containers of each image normally do, learned, checked and stored. */
export { learnObservation, writeGlob } from './learn.js';
export { profileDeviation, type ProfileDeviation, type DeviationKind } from './deviation.js';
export { effectiveMode, learningDue } from './modes.js';
export { ProfileStore, ProfileConflictError, MAX_PROFILE_BYTES, type StoredProfile } from './store.js';
export { parseProfile, ProfileInvalidError } from './parse-profile.js';
export { renderProfile } from './profile-yaml.js';
export { profileFileName } from './file-names.js';
export {
  profileSchema,
  PROFILE_MODES,
  PROFILE_API_VERSION,
  PROFILE_KIND,
  OUTSIDE_PARENT,
  type BehaviourProfile,
  type ProfileMode,
  type ProfileResponse,
  type ProcessPair,
  type ListenEntry,
  type OutboundEntry,
} from './schema.js';
