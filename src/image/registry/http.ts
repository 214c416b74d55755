import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { BulkheadError } from '../../errors.js';

/**
 * The one place that speaks HTTP: a single request, no redirects, no retries, no auth. `node:https`
 * rather than the global fetch because `--insecure` needs unverified TLS, which fetch cannot do
 * without undici's own Agent.
 */
export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The response body; the caller must consume or destroy it. */
  body: Readable;
  url: URL;
}

export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/** Errors worth a retry: the connection broke, not the request. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

const transientErrors = new WeakSet<Error>();

export function isTransientNetworkError(e: unknown): boolean {
  return e instanceof Error && transientErrors.has(e);
}

/** Strips user info and the query (pre-signed object-storage URLs carry secrets there). */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function createTransport(options: { insecure?: boolean; idleTimeoutMs?: number } = {}): HttpTransport {
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: !options.insecure });
  return {
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
    send(request) {
      return new Promise<HttpResponse>((resolve, reject) => {
        const { url } = request;
        const isHttps = url.protocol === 'https:';
        const signal = request.signal;
        if (signal?.aborted) {
          reject(abortError(signal, url));
          return;
        }
        const req = (isHttps ? https : http).request(url, {
          method: request.method,
          headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) },
          agent: isHttps ? httpsAgent : httpAgent,
        });
        const onAbort = () => req.destroy(abortError(signal!, url));
        signal?.addEventListener('abort', onAbort, { once: true });
        req.setTimeout(idleTimeoutMs, () => req.destroy(Object.assign(new Error(`no data for ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
        req.on('error', (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(networkError(e, request.method, url));
        });
        req.on('response', (res) => {
          // The abort listener stays until the body ends so an abort also stops a streaming blob.
          const detach = () => signal?.removeEventListener('abort', onAbort);
          res.once('end', detach);
          res.once('close', detach);
          res.on('error', () => detach());
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
        });
        req.end(request.body);
      });
    },
  };
}

function abortError(signal: AbortSignal, url: URL): Error {
  const reason = signal.reason instanceof Error ? signal.reason : undefined;
  return reason ?? new BulkheadError('NETWORK_ERROR', `${safeUrl(url)}: request aborted`);
}

function networkError(e: unknown, method: string, url: URL): Error {
  if (e instanceof BulkheadError) return e;
  if (e instanceof Error && e.name === 'AbortError') return e;
  const code = (e as { code?: string }).code;
  const reason = e instanceof Error ? e.message : String(e);
  const hint = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? ' (use --insecure to accept it)' : '';
  const error = new BulkheadError('NETWORK_ERROR', `${method} ${safeUrl(url)}: ${reason}${hint}`, { input: safeUrl(url), cause: e });
  if (code !== undefined && TRANSIENT_CODES.has(code)) transientErrors.add(error);
  return error;
}

/** Reads a whole body, refusing more than `maxBytes` (documents are small; a huge one is hostile). */
export async function readBody(body: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        body.destroy();
        throw new BulkheadError('SIZE_LIMIT', `${what}: larger than the ${maxBytes}-byte limit for documents`, { input: what });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('NETWORK_ERROR', `${what}: the response broke off (${e instanceof Error ? e.message : String(e)})`, { input: what, cause: e });
  }
  return Buffer.concat(chunks);
}

/** Throws away a body we do not need, so the socket returns to the pool. */
export function discard(body: Readable): void {
  body.resume();
  body.on('error', () => {});
}
