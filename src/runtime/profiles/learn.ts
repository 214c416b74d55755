/**
 * Learn mode: fold an observation into a profile. Pure (mutates only the profile it is given). Only
 * what the profile does not already cover is added, so after learning an observation the same
 * observation is never a deviation. Lists stay sorted (by code unit, not locale) and free of
 * duplicates so saved files diff well.
 */
import { posix } from 'node:path';
import type { Observation } from '../events/observation.js';
import { covers } from './profile-match.js';
import { OUTSIDE_PARENT, type BehaviourProfile, type ListenEntry, type OutboundEntry, type ProcessPair } from './schema.js';

/** Adds what the observation shows; true when the profile changed. */
export function learnObservation(profile: BehaviourProfile, observation: Observation): boolean {
  switch (observation.kind) {
    case 'exec': {
      // an unknown executable path cannot be named in a profile (nor checked against one)
      if (!observation.path) return false;
      let changed = false;
      if (!covers.executable(profile, observation.path)) {
        profile.executables.push(observation.path);
        profile.executables.sort(compareText);
        changed = true;
      }
      const parent = observation.parentPath || OUTSIDE_PARENT;
      if (!covers.process(profile, parent, observation.path)) {
        profile.processes.push({ parent, child: observation.path });
        profile.processes.sort(compareProcess);
        changed = true;
      }
      return changed;
    }
    case 'listen':
      if (covers.listen(profile, observation.protocol, observation.port)) return false;
      profile.listening.push({ protocol: observation.protocol, port: observation.port });
      profile.listening.sort(compareListen);
      return true;
    case 'connect':
      if (covers.outbound(profile, observation)) return false;
      profile.outbound.push({ protocol: observation.protocol, address: observation.address, port: observation.port });
      profile.outbound.sort(compareOutbound);
      return true;
    case 'write': {
      if (!observation.file.startsWith('/') || covers.write(profile, observation.file)) return false;
      profile.writes.push(writeGlob(observation.file));
      profile.writes.sort(compareText);
      return true;
    }
    case 'fork':
    case 'setuid':
    case 'ptrace':
      return false;
  }
}

/**
 * The glob a written file is learned as: everything below its folder (`/var/log/nginx/x.log` →
 * `/var/log/nginx/**`), since logs, caches and data files get new names; a file directly in `/` is
 * learned by itself, so one write there does not allow writing anywhere.
 */
export function writeGlob(file: string): string {
  const normal = posix.normalize(file);
  const folder = posix.dirname(normal);
  return folder === '/' ? escapeGlob(normal) : `${escapeGlob(folder)}/**`;
}

/** Glob syntax characters in a real path are taken literally (src/findings/path-glob.ts: `\x`). */
function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}\\]/gu, '\\$&');
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareProcess(a: ProcessPair, b: ProcessPair): number {
  return compareText(a.parent, b.parent) || compareText(a.child, b.child);
}

function compareListen(a: ListenEntry, b: ListenEntry): number {
  return compareText(a.protocol, b.protocol) || a.port - b.port;
}

function compareOutbound(a: OutboundEntry, b: OutboundEntry): number {
  return compareText(a.address, b.address) || (a.port ?? -1) - (b.port ?? -1) || compareText(a.protocol, b.protocol);
}
