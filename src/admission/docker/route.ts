/**
 * What an Engine API call is, from its method and URI (Engine API reference: the version prefix
 * `/v1.43` is optional; query strings carry the pull parameters). Only the calls the gate judges are
 * named; everything else is `other`.
 */
export type EngineCall =
  | { kind: 'container-create'; name?: string }
  | { kind: 'image-pull'; fromImage?: string; tag?: string; fromSrc?: string }
  | { kind: 'exec'; container: string }
  | { kind: 'daemon-change'; area: 'plugins' | 'swarm' | 'nodes' | 'services' | 'secrets' | 'configs' }
  | { kind: 'read' }
  | { kind: 'other' };

const DAEMON_AREAS = new Set(['plugins', 'swarm', 'nodes', 'services', 'secrets', 'configs']);

export function classifyCall(method: string, uri: string): EngineCall {
  const m = method.toUpperCase();
  // read-only methods change nothing (the plugin's own image lookups are GETs too)
  if (m === 'GET' || m === 'HEAD') return { kind: 'read' };
  let url: URL;
  try {
    url = new URL(uri, 'http://docker');
  } catch {
    return { kind: 'other' };
  }
  // dockerd matches routes on the cleaned path; `//containers/./create` must not slip past
  const segments = url.pathname.split('/').filter((s) => s !== '' && s !== '.');
  if (/^v\d+(\.\d+)*$/u.test(segments[0] ?? '')) segments.shift();
  const [first, second, third] = segments.map((s) => decodeURIComponent(s).toLowerCase());
  const q = url.searchParams;
  if (first === 'containers' && second === 'create' && segments.length === 2) {
    const name = q.get('name');
    return name ? { kind: 'container-create', name } : { kind: 'container-create' };
  }
  if (first === 'images' && second === 'create' && segments.length === 2) {
    const call: EngineCall = { kind: 'image-pull' };
    const fromImage = q.get('fromImage');
    const tag = q.get('tag');
    const fromSrc = q.get('fromSrc');
    if (fromImage) call.fromImage = fromImage;
    if (tag) call.tag = tag;
    if (fromSrc) call.fromSrc = fromSrc;
    return call;
  }
  if (first === 'containers' && third === 'exec' && segments.length === 3) return { kind: 'exec', container: decodeURIComponent(segments[1]!) };
  if (first !== undefined && DAEMON_AREAS.has(first)) return { kind: 'daemon-change', area: first as 'plugins' };
  return { kind: 'other' };
}

/** `name[:tag]` of a pull, as the Engine joins `fromImage` and `tag` (a tag that is a digest joins with `@`). */
export function pullReference(call: Extract<EngineCall, { kind: 'image-pull' }>): string | undefined {
  if (!call.fromImage) return undefined;
  if (!call.tag) return call.fromImage;
  return call.tag.includes(':') ? `${call.fromImage}@${call.tag}` : `${call.fromImage}:${call.tag}`;
}
