/**
 * The body of a call the gate must read (container create). CVE-2024-41110 (and CVE-2018-? before it)
 * let a client send a body the Engine acted on but never forwarded to the plugin: a zero length, a
 * chunked body of unknown length, a non-JSON Content-Type, or one over the Engine's 4 MiB forwarding
 * limit. Whatever the cause, a body the gate cannot read in full is a denial, never an empty request.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

export function readJsonBody(encoded: string | null | undefined, headers: Record<string, string> | null | undefined): BodyResult {
  const h = lowerKeys(headers ?? {});
  if (encoded === undefined || encoded === null || encoded === '') {
    const why = [
      h['content-length'] !== undefined ? `Content-Length ${h['content-length']}` : 'no Content-Length (chunked or unknown length)',
      h['content-type'] !== undefined ? `Content-Type ${h['content-type']}` : 'no Content-Type',
    ].join(', ');
    return { ok: false, reason: `the request body was not forwarded to the plugin (${why}): a create request it cannot read is denied` };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(encoded)) return { ok: false, reason: 'the forwarded request body is not valid base64' };
  const raw = Buffer.from(encoded, 'base64');
  if (raw.length > MAX_BODY_BYTES) return { ok: false, reason: `the request body is over ${MAX_BODY_BYTES} bytes` };
  const declared = h['content-length'] !== undefined ? Number(h['content-length']) : undefined;
  if (declared !== undefined && Number.isFinite(declared) && declared !== raw.length) {
    return { ok: false, reason: `the forwarded body has ${raw.length} bytes but Content-Length says ${declared}: truncated` };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the request body is not complete JSON (truncated or not JSON)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'the request body is not a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
