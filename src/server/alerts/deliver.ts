/**
 * Delivery of one alert to one channel with retries: up to 3 attempts, waiting `baseDelayMs`, then
 * 4× that, between them. An HTTP answer of 2xx is delivered; 408, 429 and 5xx and network errors
 * are retried; other 4xx are final (the receiver refused this payload, sending it again will not help).
 */
export interface DeliveryOutcome {
  ok: boolean;
  attempts: number;
  /** Last HTTP status, for webhooks. */
  status?: number;
  error?: string;
  at: string;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
}

/** An HTTP answer that is not 2xx; `final` when retrying cannot help. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly final: boolean,
  ) {
    super(`HTTP ${status}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withRetry(send: () => Promise<number | undefined>, options: RetryOptions = {}): Promise<DeliveryOutcome> {
  const attempts = options.attempts ?? 3;
  const base = options.baseDelayMs ?? 1000;
  let last: DeliveryOutcome = { ok: false, attempts: 0, at: new Date().toISOString() };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const status = await send();
      return { ok: true, attempts: attempt, ...(status !== undefined ? { status } : {}), at: new Date().toISOString() };
    } catch (e) {
      last = { ok: false, attempts: attempt, error: (e as Error).message, at: new Date().toISOString() };
      if (e instanceof HttpFailure) {
        last.status = e.status;
        if (e.final) return last;
      }
    }
    if (attempt < attempts) await sleep(base * 4 ** (attempt - 1));
  }
  return last;
}

/** POSTs JSON; resolves with the status on 2xx, throws otherwise (final for a non-retryable 4xx). */
export async function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'bulkhead-server' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return response.status;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new HttpFailure(response.status, !retryable);
}
