/**
 * The signed-in user: the token lives in sessionStorage (gone when the tab closes, never in a
 * cookie, so no CSRF surface), the user's name and role come from GET /api/v1/me.
 */
import { signal } from './signal.js';

const KEY = 'bulkhead.token';

export interface Me {
  name: string;
  role: 'admin' | 'operator' | 'auditor';
}

export const me = signal<Me | undefined>(undefined);

export function getToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  me.set(undefined);
}

/** Operators and admins may change things (policies, exceptions, registries, profile modes). */
export function canOperate(user: Me | undefined): boolean {
  return user?.role === 'admin' || user?.role === 'operator';
}
