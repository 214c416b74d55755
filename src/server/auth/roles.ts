/**
 * Who may do what. `admin`: system administration (users, tokens, settings) and everything else;
 * `operator`: registries, scans, policies and exceptions, runtime responses and profile modes;
 * `auditor`: reads everything, changes nothing.
 */
import type { Role } from '../../store/index.js';

export type Permission = 'read' | 'operate' | 'administer';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'operate', 'administer'],
  operator: ['read', 'operate'],
  auditor: ['read'],
};

export function allowed(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
