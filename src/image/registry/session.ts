import { BulkheadError } from '../../errors.js';
import type { Reporter } from '../../progress.js';
import { silentReporter } from '../../progress.js';
import { isLoopbackRegistry } from '../reference.js';
import { basicAuthorization, parseTokenResponse, parseWwwAuthenticate, pickChallenge, tokenUrl, type Challenge } from './auth.js';
import type { Credentials } from './credentials.js';
import { statusError, type ResourceKind } from './errors.js';
import { createTransport, discard, isTransientNetworkError, readBody, safeUrl, type HttpResponse, type HttpTransport } from './http.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableStatus, parseRetryAfter, wait, type RetryPolicy } from './retry.js';

export interface SessionOptions {
  insecure?: boolean;
  credentials?: Credentials;
  reporter?: Reporter;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
}

export interface SessionRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  /** Token scopes the request needs (`repository:NAME:pull`). */
  scopes: readonly string[];
  /** Names the thing in error messages: a reference, a digest. */
  what: string;
  kind: ResourceKind;
  headers?: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
  /** Statuses that are answers, not errors (404 for existence checks). Default: 2xx. */
  accept?: (status: number) => boolean;
}

const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * One registry host: HTTP with retries, redirects and authentication. Tokens are cached by scope
 * until they expire; the challenge is learned from the first 401 (Distribution spec
 * "Authentication", distribution `docs/spec/auth/token.md`).
 */
export class RegistrySession {
  private readonly transport: HttpTransport;
  private readonly retry: RetryPolicy;
  private readonly reporter: Reporter;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    readonly registry: string,
    private readonly options: SessionOptions,
  ) {
    this.transport = createTransport(options.insecure ? { insecure: true } : {});
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.reporter = options.reporter ?? silentReporter;
  }

  close(): void {
    this.transport.close();
  }

  /** Sends a request, authenticating on a 401 once, and fails with a coded error unless accepted. */
  async request(req: SessionRequest): Promise<HttpResponse> {
    const key = req.scopes.join(' ');
    const sent = await this.authorization(req.scopes, req.signal, key);
    let res = await this.exchange(req, sent);
    if (res.status === 401) {
      const challenge = pickChallenge(parseWwwAuthenticate(headerValue(res.headers['www-authenticate'])));
      // Bearer: fetch a (new) token once, the old one may have expired. Basic: send the credentials
      // once if we had not; if we had, they were refused and sending them again will not help.
      const retry = challenge !== undefined && (challenge.scheme === 'bearer' || (this.options.credentials !== undefined && sent === undefined));
      if (retry) {
        this.challenge = challenge;
        this.tokens.delete(key);
        discard(res.body);
        const wanted = challenge.params['scope'];
        const scopes = wanted && !req.scopes.includes(wanted) ? [...req.scopes, wanted] : req.scopes;
        res = await this.exchange(req, await this.authorization(scopes, req.signal, key));
      }
    }
    const accepted = req.accept ? req.accept(res.status) : res.status >= 200 && res.status < 300;
    if (accepted) return res;
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(res.body, ERROR_BODY_LIMIT, req.what).catch(() => Buffer.alloc(0));
    throw statusError(res.status, body, { method: req.method, url: res.url, what: req.what, kind: req.kind });
  }

  /** The Authorization header for these scopes under the challenge we know, if any. */
  private async authorization(scopes: readonly string[], signal: AbortSignal | undefined, cacheKey = scopes.join(' ')): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const creds = this.options.credentials;
    if (challenge.scheme === 'basic') return creds ? basicAuthorization(creds.username, creds.password) : undefined;
    const cached = this.tokens.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const { token, expiresInSeconds } = await this.fetchToken(challenge, scopes, signal);
    // The token spec's default lifetime is 60 s; renew a little early.
    this.tokens.set(cacheKey, { token, expiresAt: Date.now() + ((expiresInSeconds ?? 60) - 10) * 1000 });
    return `Bearer ${token}`;
  }

  private async fetchToken(challenge: Challenge, scopes: readonly string[], signal?: AbortSignal): Promise<{ token: string; expiresInSeconds?: number }> {
    let url: URL;
    try {
      url = tokenUrl(challenge, scopes);
    } catch (e) {
      throw new BulkheadError('REGISTRY_ERROR', `${this.registry}: cannot use the registry's authentication challenge (${e instanceof Error ? e.message : String(e)})`, { input: this.registry });
    }
    const what = `token for ${scopes.join(' ')} from ${safeUrl(url)}`;
    const headers: Record<string, string> = {};
    const creds = this.options.credentials;
    if (creds) {
      // Basic credentials go only where they cannot be read on the wire.
      if (url.protocol === 'https:' || isLoopbackRegistry(url.host) || this.options.insecure) headers['authorization'] = basicAuthorization(creds.username, creds.password);
      else this.reporter.warn(`${this.registry}: the token realm ${safeUrl(url)} is plain HTTP; credentials not sent`);
    }
    const res = await this.exchange({ method: 'GET', url, scopes: [], what, kind: 'token', ...(signal ? { signal } : {}) }, headers['authorization']);
    const body = await readBody(res.body, ERROR_BODY_LIMIT, what);
    if (res.status < 200 || res.status >= 300) throw statusError(res.status, body, { method: 'GET', url, what: `${this.registry} ${what}`, kind: 'token' });
    try {
      return parseTokenResponse(body);
    } catch (e) {
      throw new BulkheadError('REGISTRY_ERROR', `${this.registry} ${what}: ${e instanceof Error ? e.message : String(e)}`, { input: this.registry });
    }
  }

  /**
   * One logical request: retried with backoff on 429, 5xx and broken connections when the method is
   * safe to repeat (RFC 9110 §9.2.2); any other answer is returned as it is.
   */
  private async exchange(req: SessionRequest, authorization: string | undefined): Promise<HttpResponse> {
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    const attempts = idempotent ? Math.max(1, this.retry.attempts) : 1;
    const signal = anySignal(req.signal, this.options.signal);
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.follow(req, authorization, signal);
      } catch (e) {
        if (attempt < attempts && isTransientNetworkError(e)) {
          const delay = backoffDelay(attempt, this.retry);
          this.reporter.debug(`${req.what}: ${(e as Error).message}; retrying in ${delay} ms`);
          await wait(delay, signal);
          continue;
        }
        throw e;
      }
      if (attempt < attempts && isRetryableStatus(res.status)) {
        const delay = backoffDelay(attempt, this.retry, parseRetryAfter(headerValue(res.headers['retry-after']) || undefined));
        discard(res.body);
        this.reporter.debug(`${req.what}: HTTP ${res.status} from ${safeUrl(res.url)}; retrying in ${delay} ms`);
        await wait(delay, signal);
        continue;
      }
      return res;
    }
  }

  /**
   * Sends and follows redirects by hand, dropping the Authorization header when the next hop has
   * another origin: registries redirect blobs to object storage, which must never see the token.
   */
  private async follow(req: SessionRequest, authorization: string | undefined, signal: AbortSignal | undefined): Promise<HttpResponse> {
    let url = req.url;
    let auth = authorization;
    const origin = req.url.origin;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'bulkhead', ...req.headers };
      if (auth && url.origin === origin) headers['authorization'] = auth;
      const res = await this.transport.send({ method: req.method, url, headers, ...(req.body ? { body: req.body } : {}), ...(signal ? { signal } : {}) });
      const location = headerValue(res.headers['location']);
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      discard(res.body);
      if (hop >= MAX_REDIRECTS) throw new BulkheadError('REGISTRY_ERROR', `${req.what}: more than ${MAX_REDIRECTS} redirects from ${safeUrl(req.url)}`, { input: req.what });
      const next = new URL(location, url);
      if (next.protocol === 'http:' && url.protocol === 'https:' && !this.options.insecure && !isLoopbackRegistry(next.host)) {
        throw new BulkheadError('REGISTRY_ERROR', `${req.what}: refusing the redirect from HTTPS to plain HTTP ${safeUrl(next)}`, { input: req.what });
      }
      if (next.origin !== url.origin) auth = undefined;
      url = next;
    }
  }
}

export function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}
