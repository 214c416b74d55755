import http from 'node:http';
import { BulkheadError } from '../errors.js';

/**
 * A minimal Docker Engine API client over `node:http` (Engine API reference, "Images"): one request,
 * unix socket or loopback TCP, no redirects. `DOCKER_HOST` forms follow the Docker CLI.
 */
export interface DaemonEndpoint {
  /** As the user would write it, for messages. */
  display: string;
  socketPath?: string;
  host?: string;
  port?: number;
}

export function daemonEndpoint(dockerHost: string | undefined): DaemonEndpoint {
  const raw = dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (raw.startsWith('unix://')) return { display: raw, socketPath: raw.slice('unix://'.length) };
  if (raw.startsWith('/')) return { display: `unix://${raw}`, socketPath: raw };
  if (raw.startsWith('tcp://') || raw.startsWith('http://')) {
    const url = new URL(raw.replace(/^tcp:/, 'http:'));
    return { display: raw, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 2375 };
  }
  throw new BulkheadError('USAGE', `Docker host "${raw}" is not supported (use unix:///path/to/docker.sock or tcp://HOST:PORT without TLS)`, { input: raw });
}

export interface DaemonResponse {
  status: number;
  body: http.IncomingMessage;
}

/** Sends a GET; connection failures are DAEMON_UNAVAILABLE naming the endpoint. */
export function daemonGet(endpoint: DaemonEndpoint, path: string, signal?: AbortSignal): Promise<DaemonResponse> {
  return new Promise((resolve, reject) => {
    const target = endpoint.socketPath !== undefined ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
    const req = http.request({ ...target, method: 'GET', path, headers: { Host: 'docker' }, ...(signal ? { signal } : {}) }, (res) => {
      resolve({ status: res.statusCode ?? 0, body: res });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (signal?.aborted) return reject(e);
      const reason = e.code === 'ENOENT' ? 'the socket does not exist' : e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new BulkheadError('DAEMON_UNAVAILABLE', `Docker daemon at ${endpoint.display} is not reachable: ${reason}`, { input: endpoint.display, cause: e }));
    });
    req.end();
  });
}

/** Reads a small response body (JSON documents, errors), at most `max` bytes. */
export async function readBody(res: http.IncomingMessage, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for await (const chunk of res) {
    have += (chunk as Buffer).length;
    if (have > max) {
      res.destroy();
      throw new BulkheadError('SIZE_LIMIT', `${what}: the daemon's answer is over ${max} bytes`, { input: what });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The Engine API error body is `{"message": "..."}`. */
export async function daemonError(res: DaemonResponse, what: string): Promise<BulkheadError> {
  let message = '';
  try {
    const body = (await readBody(res.body, 64 * 1024, what)).toString('utf8');
    try {
      message = String((JSON.parse(body) as { message?: unknown }).message ?? body);
    } catch {
      message = body;
    }
  } catch {
    /* the status says enough */
  }
  return new BulkheadError('DAEMON_ERROR', `${what}: the Docker daemon answered ${res.status}${message ? ` (${message.trim().slice(0, 300)})` : ''}`, { input: what });
}
