import type { Reporter } from '../progress.js';
import type { Platform } from './types.js';

export interface OpenOptions {
  /** Which image of a multi-platform index (default linux/amd64). */
  platform?: Platform;
  /** Registries: allow plain HTTP and unverified TLS for non-loopback hosts. */
  insecure?: boolean;
  /** Registry credentials; otherwise `~/.docker/config.json` (or `dockerConfig`) is read, then anonymous. */
  username?: string;
  password?: string;
  /** Path of a Docker client config file holding registry `auths`. */
  dockerConfig?: string;
  /** Docker Engine endpoint, `unix:///var/run/docker.sock` by default, or `DOCKER_HOST`. */
  dockerHost?: string;
  /** Where spooled data may go (a private directory below it is created and removed). */
  tmpDir?: string;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}`;
}

export function parsePlatform(text: string): Platform | undefined {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) return undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}
