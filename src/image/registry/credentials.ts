import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { DOCKER_HUB } from '../reference.js';

export interface Credentials {
  username: string;
  password: string;
}

/** The key Docker clients use for Docker Hub in `auths` (a v1 URL, kept for compatibility). */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** The parts of a Docker client config file (docker/cli `configfile`) that hold registry logins. */
export interface DockerConfig {
  auths: Record<string, Credentials>;
  /** Registries delegated to a credential helper, which Bulkhead does not run. */
  helpers: Record<string, string>;
  credsStore?: string;
}

/**
 * Parses a Docker client config. An `auths` entry holds either `auth`, base64 of `user:password`,
 * or `username` and `password`; entries with neither (a login kept by a helper) are left out.
 */
export function parseDockerConfig(text: string, file: string): DockerConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BulkheadError('INPUT_INVALID', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { input: file });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new BulkheadError('INPUT_INVALID', `${file}: a Docker config must be a JSON object`, { input: file });
  }
  const root = doc as Record<string, unknown>;
  const auths: Record<string, Credentials> = {};
  const rawAuths = root['auths'];
  if (typeof rawAuths === 'object' && rawAuths !== null) {
    for (const [key, value] of Object.entries(rawAuths as Record<string, unknown>)) {
      const creds = entryCredentials(value, key, file);
      if (creds) auths[normalizeAuthKey(key)] = creds;
    }
  }
  const helpers: Record<string, string> = {};
  const rawHelpers = root['credHelpers'];
  if (typeof rawHelpers === 'object' && rawHelpers !== null) {
    for (const [key, value] of Object.entries(rawHelpers as Record<string, unknown>)) {
      if (typeof value === 'string') helpers[normalizeAuthKey(key)] = value;
    }
  }
  const config: DockerConfig = { auths, helpers };
  if (typeof root['credsStore'] === 'string' && root['credsStore'] !== '') config.credsStore = root['credsStore'];
  return config;
}

function entryCredentials(value: unknown, key: string, file: string): Credentials | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  if (typeof entry['auth'] === 'string' && entry['auth'] !== '') {
    const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Never echo the value: it is a password.
    if (colon <= 0) throw new BulkheadError('INPUT_INVALID', `${file}: auths["${key}"].auth is not base64 of "user:password"`, { input: file });
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string' && entry['username'] !== '') {
    return { username: entry['username'], password: entry['password'] };
  }
  return undefined;
}

/**
 * Docker writes keys as `host`, `https://host`, `http://host/v1/` and so on; all name the host.
 * Docker Hub's many names become `docker.io`.
 */
export function normalizeAuthKey(key: string): string {
  let host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com') return DOCKER_HUB;
  return host;
}

export function credentialsFor(config: DockerConfig, registry: string): Credentials | undefined {
  return config.auths[normalizeAuthKey(registry)];
}

/** `options.dockerConfig`, else `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  if (env['DOCKER_CONFIG']) return join(env['DOCKER_CONFIG'], 'config.json');
  return join(homedir(), '.docker', 'config.json');
}

export interface ResolvedCredentials {
  credentials?: Credentials;
  /** Why the config file gave nothing when it might have (a helper we do not run). */
  note?: string;
}

/**
 * Credentials for one registry: explicit options first, then the Docker config file. A missing
 * default file means anonymous access; a missing file the user named is an error.
 */
export async function resolveCredentials(
  registry: string,
  options: { username?: string; password?: string; dockerConfig?: string },
): Promise<ResolvedCredentials> {
  if (options.username !== undefined) {
    return { credentials: { username: options.username, password: options.password ?? '' } };
  }
  const file = dockerConfigPath(options.dockerConfig);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (options.dockerConfig) {
      throw new BulkheadError('INPUT_NOT_FOUND', `${file}: cannot read the Docker config (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: file, cause: e });
    }
    return {};
  }
  const config = parseDockerConfig(text, file);
  const credentials = credentialsFor(config, registry);
  if (credentials) return { credentials };
  const helper = config.helpers[normalizeAuthKey(registry)] ?? config.credsStore;
  if (helper) return { note: `${file}: the login for ${registry} is kept by credential helper "${helper}", which is not run; pulling anonymously` };
  return {};
}
