/**
 * Builders of synthetic observations and containers for the detectors' unit tests (not used by the
 * agent). Every field not given takes a plain, harmless value.
 */
import type { ContainerContext, Observation } from '../events/observation.js';

export function container(over: Partial<ContainerContext> & { id?: string } = {}): ContainerContext {
  const { id = 'c1', ...rest } = over;
  return {
    ref: { id, name: `name-${id}`, image: 'example/app:1', imageDigest: 'sha256:0' },
    imageName: 'example/app',
    user: 'app',
    pid: 1000,
    startedAt: '2024-01-01T00:00:00.000Z',
    labels: {},
    ...rest,
  };
}

type Kind = Observation['kind'];
type Of<K extends Kind> = Extract<Observation, { kind: K }>;

const BASE = { timeMs: 1_700_000_000_000, pid: 2000, path: '/usr/bin/app', comm: 'app' };

const DEFAULTS: { [K in Kind]: Omit<Of<K>, 'container' | 'timeMs' | 'pid' | 'path' | 'comm'> } = {
  exec: { kind: 'exec', ppid: 1000, parentPath: '/usr/bin/app', cmdline: ['/usr/bin/app'], tty: false, uid: 1000 },
  connect: { kind: 'connect', family: 4, address: '10.0.0.2', port: 80, protocol: 'tcp' },
  listen: { kind: 'listen', family: 4, address: '0.0.0.0', port: 8080, protocol: 'tcp' },
  fork: { kind: 'fork', childPid: 2001 },
  write: { kind: 'write', file: '/tmp/x', chmodExec: false },
  setuid: { kind: 'setuid', fromUid: 1000, toUid: 1000 },
  ptrace: { kind: 'ptrace', targetPid: 2001, request: 16 },
};

export function obs<K extends Kind>(kind: K, over: Partial<Of<K>> = {}): Of<K> {
  return { ...BASE, container: container(), ...DEFAULTS[kind], ...over } as unknown as Of<K>;
}
