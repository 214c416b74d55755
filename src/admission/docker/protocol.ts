/**
 * The Docker plugin API v1 as the Engine speaks it to an authorization plugin (moby
 * pkg/authorization/api.go, docs "Access authorization plugin"): JSON over HTTP on a unix socket in
 * /run/docker/plugins, `POST /Plugin.Activate`, `/AuthZPlugin.AuthZReq`, `/AuthZPlugin.AuthZRes`.
 * `RequestBody` is a Go []byte, so base64 in JSON; the Engine leaves it out when it does not forward
 * the body (not JSON, over 4 MiB, or of unknown length in older Engines).
 */
export const PLUGIN_CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';

export const ACTIVATE_PATH = '/Plugin.Activate';
export const AUTHZ_REQUEST_PATH = '/AuthZPlugin.AuthZReq';
export const AUTHZ_RESPONSE_PATH = '/AuthZPlugin.AuthZRes';

export const ACTIVATE_RESPONSE = { Implements: ['authz'] } as const;

/**
 * The request as the plugin uses it. On the wire the URI is `RequestUri` (the Go field RequestURI is
 * tagged `json:"RequestUri"`); `parseAuthzRequest` copies it here, so nothing reads a field that the
 * Engine never sends (which would classify every call as unknown and let it through).
 */
export interface AuthzRequest {
  User?: string;
  UserAuthNMethod?: string;
  RequestMethod?: string;
  RequestURI?: string;
  /** base64 of the raw body; absent or null when the Engine did not forward it. */
  RequestBody?: string | null;
  RequestHeaders?: Record<string, string> | null;
  ResponseStatusCode?: number;
}

export interface AuthzResponse {
  Allow: boolean;
  Msg: string;
  Err: string;
}

/** The request document, or a reason it is not one (the caller denies: nothing it cannot read passes). */
export function parseAuthzRequest(raw: Buffer): AuthzRequest | string {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'the plugin request is not JSON';
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'the plugin request is not a JSON object';
  const r = doc as Record<string, unknown>;
  for (const key of ['User', 'UserAuthNMethod', 'RequestMethod', 'RequestUri', 'RequestURI'] as const) {
    if (r[key] !== undefined && r[key] !== null && typeof r[key] !== 'string') return `the plugin request's ${key} is not a string`;
  }
  if (r.RequestBody !== undefined && r.RequestBody !== null && typeof r.RequestBody !== 'string') return "the plugin request's RequestBody is not base64 text";
  const request = r as AuthzRequest & { RequestUri?: string };
  if (typeof request.RequestUri === 'string') request.RequestURI = request.RequestUri;
  if (request.RequestMethod === undefined || request.RequestURI === undefined) return 'the plugin request has no RequestMethod or RequestUri';
  return request;
}
