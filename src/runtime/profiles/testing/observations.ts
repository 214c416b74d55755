/** Synthetic observations for the profile tests (the shapes of src/runtime/events/observation.ts). */
import type { ConnectObservation, ContainerContext, ExecObservation, ListenObservation, Observation, WriteObservation } from '../../events/observation.js';
import { PROFILE_API_VERSION, PROFILE_KIND, type BehaviourProfile } from '../schema.js';

export const container: ContainerContext = {
  ref: { id: 'c0ffee', name: 'cache', image: 'redis:7', imageDigest: 'sha256:' + 'a'.repeat(64) },
  imageName: 'redis',
  user: '',
  pid: 100,
  startedAt: '2026-11-24T10:00:00Z',
  labels: {},
};

const base = { timeMs: 1_700_000_000_000, container, pid: 200, comm: 'x' };

export function exec(path: string, parentPath: string): ExecObservation {
  return { ...base, kind: 'exec', path, parentPath, ppid: 150, cmdline: [path], tty: false, uid: 0 };
}
export function connect(address: string, port: number, protocol: 'tcp' | 'udp' = 'tcp'): ConnectObservation {
  return { ...base, kind: 'connect', path: '/usr/local/bin/redis-server', family: address.includes(':') ? 6 : 4, address, port, protocol };
}
export function listen(port: number, protocol: 'tcp' | 'udp' = 'tcp'): ListenObservation {
  return { ...base, kind: 'listen', path: '/usr/local/bin/redis-server', family: 4, address: '0.0.0.0', port, protocol };
}
export function write(file: string, chmodExec = false): WriteObservation {
  return { ...base, kind: 'write', path: '/usr/local/bin/redis-server', file, chmodExec };
}
export const others: Observation[] = [
  { ...base, kind: 'fork', path: '/bin/sh', childPid: 201 },
  { ...base, kind: 'setuid', path: '/bin/su', fromUid: 1000, toUid: 0 },
  { ...base, kind: 'ptrace', path: '/usr/bin/gdb', targetPid: 1, request: 16 },
];

export function emptyProfile(image = 'redis', version = 3): BehaviourProfile {
  return {
    apiVersion: PROFILE_API_VERSION,
    kind: PROFILE_KIND,
    image,
    mode: 'learn',
    version,
    created: '2026-11-24T10:00:00Z',
    updated: '2026-11-24T10:00:00Z',
    executables: [],
    processes: [],
    listening: [],
    outbound: [],
    writes: [],
  };
}
