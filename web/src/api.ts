/**
 * The dashboard's only way to the server: JSON over /api/v1 with the session's Bearer token. An
 * error response becomes an ApiError carrying the server's message, shown where the data would be.
 */
import { clearSession, getToken } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as is with this content type instead of JSON. */
  text?: { body: string; type: string };
  token?: string;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = options.token ?? getToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.text) {
    headers['content-type'] = options.text.type;
    body = options.text.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`/api/v1${path}`, { method: options.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const type = response.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await response.json().catch(() => undefined) : await response.text();
  if (!response.ok) {
    const message = (data as { message?: string } | undefined)?.message ?? (typeof data === 'string' && data ? data : response.statusText);
    // an expired or revoked token ends the session; the app shows the login form again
    if (response.status === 401 && !options.token) clearSession();
    throw new ApiError(response.status, response.status === 403 ? `Not allowed: ${message}` : message);
  }
  return data as T;
}

/** `?a=1&b=2` from the set values of an object. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
