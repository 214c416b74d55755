/**
 * How the server talks to one configured registry: its host, whether plain HTTP is allowed, and its
 * credentials, decrypted only here, at the moment of use, and never logged or returned.
 */
import type { Registry } from '../../store/index.js';
import { isLoopbackRegistry } from '../../image/reference.js';
import { RegistryClient } from '../../image/registry/index.js';
import { decryptSecret } from '../secret-key.js';
import type { RegistryCredentials } from './scan-queue.js';

export interface RegistryAccess {
  /** `host[:port]`, the registry part of references. */
  host: string;
  /** Plain HTTP (or unverified TLS) to a host that is not loopback. */
  insecure: boolean;
  credentials?: RegistryCredentials;
}

export function registryAccess(row: Pick<Registry, 'url' | 'username' | 'secret_enc'>, encryptionKey: Buffer): RegistryAccess {
  const url = new URL(row.url);
  const host = url.host;
  const insecure = url.protocol === 'http:' && !isLoopbackRegistry(host);
  const access: RegistryAccess = { host, insecure };
  if (row.username && row.secret_enc) access.credentials = { username: row.username, password: decryptSecret(encryptionKey, row.secret_enc) };
  return access;
}

export function registryClient(access: RegistryAccess, signal?: AbortSignal): RegistryClient {
  return new RegistryClient({
    registry: access.host,
    ...(access.insecure ? { insecure: true } : {}),
    ...(access.credentials ? { credentials: access.credentials } : {}),
    ...(signal ? { signal } : {}),
    retry: { attempts: 2 },
  });
}

/**
 * Repository filters: `*` matches within one path segment, `**` across segments, `?` one character
 * (the shell's glob habits, as registry UIs use them). An empty list watches everything.
 */
export function repositoryMatcher(globs: readonly string[]): (repository: string) => boolean {
  if (globs.length === 0) return () => true;
  const patterns = globs.map((g) => new RegExp(`^${g.split('**').map((part) => part.split('*').map((p) => p.split('?').map(escape).join('[^/]')).join('[^/]*')).join('.*')}$`, 'u'));
  return (repository) => patterns.some((p) => p.test(repository));
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\/]/gu, '\\$&');
}
