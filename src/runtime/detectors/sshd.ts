/**
 * BH-RT-105: an SSH server in a container: an exec of sshd (or OpenSSH 9.8's per-session
 * sshd-session) or dropbear, or a listener on port 22. Containers are entered through the engine,
 * so an SSH daemon is a backdoor or a container run like a virtual machine. Once per container.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detector } from './types.js';

const SSH_SERVERS = new Set(['sshd', 'sshd-session', 'dropbear']);
const SSH_PORT = 22;

export function sshdDetector(config: RuntimeConfig['detectors']['sshd']): Detector {
  const reported = new Set<string>();
  return {
    name: 'sshd',
    observe(o) {
      let why: string;
      if (o.kind === 'exec') {
        const exe = (o.path !== '' ? o.path : o.comm).replace(/^.*\//u, '');
        if (!SSH_SERVERS.has(exe)) return [];
        why = `${exe} started`;
      } else if (o.kind === 'listen' && o.port === SSH_PORT && o.protocol === 'tcp') {
        why = `${o.comm} listens on port ${SSH_PORT}`;
      } else return [];
      if (reported.has(o.container.ref.id)) return [];
      reported.add(o.container.ref.id);
      return [
        {
          type: 'sshd',
          rule: 'BH-RT-105',
          severity: 'medium',
          container: o.container,
          pid: o.pid,
          path: o.path,
          reason: `SSH server in container: ${why}`,
          response: config.response,
          details: { comm: o.comm, trigger: o.kind, ...(o.kind === 'listen' ? { port: o.port } : {}) },
        },
      ];
    },
    forget(containerId) {
      reported.delete(containerId);
    },
  };
}
