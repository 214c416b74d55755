/**
 * Monitor and protect modes: does an observation fall outside the profile of its image? Pure. The
 * reason is one sentence naming what was seen and the profile (image and version) it is not in.
 */
import type { Observation } from '../events/observation.js';
import { covers } from './profile-match.js';
import { OUTSIDE_PARENT, type BehaviourProfile } from './schema.js';

export type DeviationKind = 'executable' | 'process' | 'listen' | 'outbound' | 'write';

export interface ProfileDeviation {
  what: DeviationKind;
  reason: string;
}

/** The first way the observation deviates from the profile, or undefined when the profile allows it. */
export function profileDeviation(profile: BehaviourProfile, observation: Observation): ProfileDeviation | undefined {
  const where = `is not in the profile of image ${profile.image} (version ${profile.version})`;
  switch (observation.kind) {
    case 'exec': {
      // without a path there is nothing to compare (learn mode cannot record it either)
      if (!observation.path) return undefined;
      if (!covers.executable(profile, observation.path)) return { what: 'executable', reason: `executable ${observation.path} ${where}` };
      const parent = observation.parentPath || OUTSIDE_PARENT;
      if (!covers.process(profile, parent, observation.path)) return { what: 'process', reason: `process ${observation.path} started by ${parent} ${where}` };
      return undefined;
    }
    case 'listen':
      if (covers.listen(profile, observation.protocol, observation.port)) return undefined;
      return { what: 'listen', reason: `listening on port ${observation.port}/${observation.protocol} ${where}` };
    case 'connect': {
      if (covers.outbound(profile, observation)) return undefined;
      const host = observation.address.includes(':') ? `[${observation.address}]` : observation.address;
      return { what: 'outbound', reason: `outbound connection to ${host}:${observation.port}/${observation.protocol} ${where}` };
    }
    case 'write':
      // a relative path cannot be placed in the container's tree; absolute paths are what probes report
      if (!observation.file.startsWith('/') || covers.write(profile, observation.file)) return undefined;
      return { what: 'write', reason: `${observation.chmodExec ? 'making executable' : 'writing'} ${observation.file} ${where}` };
    case 'fork':
    case 'setuid':
    case 'ptrace':
      return undefined;
  }
}
