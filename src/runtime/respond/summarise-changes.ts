import type { Finding, Severity } from '../../findings/types.js';
import type { ContainerFact } from '../inventory/container-fact.js';
import { runtimeFinding } from '../inventory/runtime-finding.js';
import type { ContainerChange } from './changes.js';
import { RESPOND_CHECKS } from './checks.js';

/**
 * Findings about a container's file changes: executables added or changed (the image did not ship
 * them: drift), and changes to files that grant access or run code on their own (accounts,
 * sudo, SSH keys, cron, the dynamic loader's preload list, system binary folders). Pure.
 */

interface SensitivePath {
  /** Exact file, or a folder whose contents (not the folder itself) are sensitive when it ends in `/`. */
  pattern: string;
  what: string;
  severity: Severity;
}

const SENSITIVE: readonly SensitivePath[] = [
  { pattern: '/etc/passwd', what: 'user accounts', severity: 'high' },
  { pattern: '/etc/shadow', what: 'password hashes', severity: 'critical' },
  { pattern: '/etc/group', what: 'groups', severity: 'high' },
  { pattern: '/etc/gshadow', what: 'group passwords', severity: 'high' },
  { pattern: '/etc/sudoers', what: 'sudo rules', severity: 'critical' },
  { pattern: '/etc/sudoers.d/', what: 'sudo rules', severity: 'critical' },
  { pattern: '/etc/doas.conf', what: 'doas rules', severity: 'critical' },
  { pattern: '/root/.ssh/', what: "root's SSH keys", severity: 'critical' },
  { pattern: '/etc/ssh/', what: 'SSH server settings', severity: 'high' },
  { pattern: '/etc/ld.so.preload', what: 'libraries preloaded into every process', severity: 'critical' },
  { pattern: '/etc/crontab', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/etc/cron.d/', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/etc/cron.hourly/', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/etc/cron.daily/', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/etc/cron.weekly/', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/etc/cron.monthly/', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/var/spool/cron/', what: 'scheduled jobs', severity: 'high' },
  { pattern: '/etc/pam.d/', what: 'login authentication', severity: 'high' },
  { pattern: '/etc/profile.d/', what: 'login shell start-up', severity: 'medium' },
  { pattern: '/bin/', what: 'system binaries', severity: 'high' },
  { pattern: '/sbin/', what: 'system binaries', severity: 'high' },
  { pattern: '/usr/bin/', what: 'system binaries', severity: 'high' },
  { pattern: '/usr/sbin/', what: 'system binaries', severity: 'high' },
  { pattern: '/usr/local/bin/', what: 'system binaries', severity: 'high' },
  { pattern: '/usr/local/sbin/', what: 'system binaries', severity: 'high' },
  { pattern: '/lib/', what: 'system libraries', severity: 'medium' },
  { pattern: '/usr/lib/', what: 'system libraries', severity: 'medium' },
];

/** `/home/USER/.ssh/...` and `authorized_keys` anywhere: another way in. */
const SSH_KEYS = /^\/home\/[^/]+\/\.ssh\/.+|\/authorized_keys2?$/u;

export function sensitivePath(path: string): SensitivePath | undefined {
  const hit = SENSITIVE.find((s) => (s.pattern.endsWith('/') ? path.startsWith(s.pattern) && path.length > s.pattern.length : path === s.pattern));
  if (hit) return hit;
  if (SSH_KEYS.test(path)) return { pattern: path, what: 'SSH keys', severity: 'critical' };
  return undefined;
}

const VERB = { A: 'added', C: 'changed', D: 'deleted' } as const;

export function summariseChanges(changes: readonly ContainerChange[], container: ContainerFact): Finding[] {
  const out: Finding[] = [];
  for (const change of changes) {
    const target = { path: change.path.replace(/^\/+/u, '') };
    const evidence = { path: change.path, change: VERB[change.kind] };
    // an executable is drift whatever its folder; the sensitive-path finding covers everything else, once per file
    if (change.kind !== 'D' && change.executable === true) {
      const f = runtimeFinding(container, RESPOND_CHECKS.executableChanged, `executable ${change.path} ${VERB[change.kind]} in the running container`, { ...evidence, executable: 'true' });
      out.push({ ...f, target: { ...f.target, ...target } });
      continue;
    }
    const sensitive = sensitivePath(change.path);
    if (sensitive) {
      const f = runtimeFinding(container, RESPOND_CHECKS.sensitiveChanged, `${change.path} (${sensitive.what}) ${VERB[change.kind]} in the running container`, { ...evidence, protects: sensitive.what }, sensitive.severity);
      out.push({ ...f, target: { ...f.target, ...target } });
    }
  }
  return out;
}
