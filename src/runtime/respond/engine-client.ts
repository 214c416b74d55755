import http from 'node:http';
import { BulkheadError } from '../../errors.js';
import { daemonEndpoint, readBody, type DaemonEndpoint } from '../../image/daemon-api.js';

/**
 * JSON requests to the Docker Engine API (Engine API reference, "Containers") for the responses:
 * GET, POST and DELETE over the unix socket (or loopback TCP), each with a time limit. The image
 * module's client only GETs; this one reuses its endpoint parsing and bounded body reading.
 *
 * An HTTP status is an answer, returned as data (a 404 or 409 is what a response reports); only an
 * unreachable or silent daemon throws (DAEMON_UNAVAILABLE naming the endpoint and the request).
 */

/** Inspect and change documents are small; a bigger answer is not one we trust. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface EngineReply<T = unknown> {
  status: number;
  /** The parsed JSON body (2xx answers with a body). */
  json?: T;
  /** The Engine's `{"message": ...}` of an error answer, or its raw text. */
  message?: string;
}

export interface EngineRequestOptions {
  body?: unknown;
  timeoutMs?: number;
}

export interface EngineClient {
  readonly endpoint: DaemonEndpoint;
  request<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, options?: EngineRequestOptions): Promise<EngineReply<T>>;
  /** GET that must answer 200 with JSON: 404 is `undefined`, other statuses throw DAEMON_ERROR. */
  getJson<T>(path: string, options?: EngineRequestOptions): Promise<T | undefined>;
}

/** `socket`: a socket path or DOCKER_HOST form; default `$DOCKER_HOST` or /var/run/docker.sock. */
export function engineClient(socket?: string | DaemonEndpoint): EngineClient {
  const endpoint = typeof socket === 'object' ? socket : daemonEndpoint(socket ?? process.env['DOCKER_HOST']);
  const request = <T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: EngineRequestOptions = {}): Promise<EngineReply<T>> =>
    engineRequest<T>(endpoint, method, path, options);
  return {
    endpoint,
    request,
    async getJson<T>(path: string, options?: EngineRequestOptions): Promise<T | undefined> {
      const reply = await request<T>('GET', path, options);
      if (reply.status === 404) return undefined;
      if (reply.status !== 200 || reply.json === undefined) throw statusError(endpoint, 'GET', path, reply);
      return reply.json;
    },
  };
}

/** An answer the caller cannot go on with, as an error naming the request, endpoint and status. */
export function statusError(endpoint: DaemonEndpoint, method: string, path: string, reply: EngineReply): BulkheadError {
  const what = `${method} ${path} at ${endpoint.display}`;
  return new BulkheadError('DAEMON_ERROR', `${what}: the Docker daemon answered ${reply.status}${reply.message ? ` (${reply.message})` : ''}`, { input: what });
}

function engineRequest<T>(endpoint: DaemonEndpoint, method: string, path: string, options: EngineRequestOptions): Promise<EngineReply<T>> {
  const what = `${method} ${path} at ${endpoint.display}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), 'utf8');
  return new Promise((resolve, reject) => {
    const target = endpoint.socketPath !== undefined ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
    const headers: Record<string, string | number> = { Host: 'docker' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    let settled = false;
    const req = http.request({ ...target, method, path, headers }, (res) => {
      readBody(res, MAX_BODY_BYTES, what).then(
        (buffer) => {
          settled = true;
          clearTimeout(timer);
          resolve(parseReply<T>(res.statusCode ?? 0, buffer));
        },
        (e: unknown) => {
          settled = true;
          clearTimeout(timer);
          reject(e);
        },
      );
    });
    // one limit for the whole exchange: a daemon that accepts and never answers is as good as absent
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new BulkheadError('DAEMON_UNAVAILABLE', `${what}: the Docker daemon did not answer within ${timeoutMs} ms`, { input: endpoint.display }));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const reason = e.code === 'ENOENT' ? 'the socket does not exist' : e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new BulkheadError('DAEMON_UNAVAILABLE', `${what}: the Docker daemon is not reachable: ${reason}`, { input: endpoint.display, cause: e }));
    });
    req.end(payload);
  });
}

function parseReply<T>(status: number, buffer: Buffer): EngineReply<T> {
  const text = buffer.toString('utf8').trim();
  if (text === '') return { status };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return status >= 200 && status < 300 ? { status } : { status, message: text.slice(0, 300) };
  }
  if (status >= 200 && status < 300) return { status, json: parsed as T };
  const message = typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String((parsed as { message: unknown }).message) : text;
  return { status, message: message.trim().slice(0, 300) };
}
