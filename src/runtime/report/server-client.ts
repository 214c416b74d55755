/**
 * The agent's HTTP calls to the server: JSON over fetch with the agent's Bearer token and a time
 * limit. Every failure (unreachable, time-out, a non-2xx answer) is a BulkheadError naming the URL
 * and the reason; the callers retry, so nothing here decides what is fatal.
 */
import { BulkheadError } from '../../errors.js';

export class ServerClient {
  private base: string;

  constructor(
    url: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.base = ServerClient.normalise(url);
  }

  static normalise(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BulkheadError('USAGE', `--server "${url}": not a URL (expected http(s)://host:port)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new BulkheadError('USAGE', `--server "${url}": only http and https are supported`);
    return parsed.href.replace(/\/+$/u, '');
  }

  get url(): string {
    return this.base;
  }

  /** Points later calls at another address (the server moved or restarted on another port). */
  setUrl(url: string): void {
    this.base = ServerClient.normalise(url);
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const target = this.base + path;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const reason = timeout.aborted ? `no answer within ${this.timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new BulkheadError('NETWORK_ERROR', `${method} ${target}: server unreachable (${reason})`, { input: target, cause: e });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      const code = response.status === 400 ? 'INPUT_INVALID' : 'NETWORK_ERROR';
      throw new BulkheadError(code, `${method} ${target}: HTTP ${response.status}${message ? ` (${message})` : ''}`, { input: target });
    }
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch (e) {
      throw new BulkheadError('NETWORK_ERROR', `${method} ${target}: the answer is not JSON`, { input: target, cause: e });
    }
  }
}
