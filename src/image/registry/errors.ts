import { BulkheadError, type ErrorCode } from '../../errors.js';
import { printable } from '../layer-tar.js';
import { safeUrl } from './http.js';

/** What a request was after, so a 404 can say which thing is missing. */
export type ResourceKind = 'registry' | 'repository' | 'manifest' | 'blob' | 'tag list' | 'catalog' | 'referrers' | 'upload' | 'token';

/**
 * The registry's own explanation, from the error body of Distribution spec "Error Codes":
 * `{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "...", "detail": ...}]}`.
 */
export function registryErrorDetail(body: Buffer): { code?: string; message?: string } | undefined {
  if (body.length === 0) return undefined;
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = Array.isArray(doc.errors) ? doc.errors[0] : undefined;
    if (!first) return undefined;
    const out: { code?: string; message?: string } = {};
    if (typeof first.code === 'string') out.code = first.code;
    if (typeof first.message === 'string') out.message = first.message;
    return out;
  } catch {
    return undefined;
  }
}

// Distribution spec error codes that name what is missing better than the request does.
const NOT_FOUND_BY_CODE: Record<string, ResourceKind> = {
  NAME_UNKNOWN: 'repository',
  MANIFEST_UNKNOWN: 'manifest',
  BLOB_UNKNOWN: 'blob',
};

/** Turns a failed HTTP status into one error, one line, naming the thing, the URL and the reason. */
export function statusError(status: number, body: Buffer, ctx: { method: string; url: URL; what: string; kind: ResourceKind }): BulkheadError {
  const detail = registryErrorDetail(body);
  const says = detail && (detail.code || detail.message) ? `; registry says ${[detail.code, detail.message].filter(Boolean).join(': ')}` : '';
  const where = `HTTP ${status} from ${ctx.method} ${safeUrl(ctx.url)}${printable(says.replace(/\s+/g, ' '))}`;
  let code: ErrorCode;
  let reason: string;
  switch (status) {
    case 401:
      code = 'REGISTRY_UNAUTHORIZED';
      reason = 'authentication required or credentials rejected (check the username and password, or docker login)';
      break;
    case 403:
      code = 'REGISTRY_DENIED';
      reason = `access to the ${ctx.kind} denied`;
      break;
    case 404: {
      code = 'REGISTRY_NOT_FOUND';
      const kind = (detail?.code && NOT_FOUND_BY_CODE[detail.code]) || ctx.kind;
      reason = `${kind} not found`;
      break;
    }
    case 429:
      code = 'REGISTRY_RATE_LIMITED';
      reason = 'rate limited by the registry, still after retries';
      break;
    default:
      code = 'REGISTRY_ERROR';
      reason = status >= 500 ? 'registry server error' : 'unexpected answer';
  }
  return new BulkheadError(code, `${ctx.what}: ${reason} (${where})`, { input: ctx.what });
}
