import { BulkheadError } from '../errors.js';

/**
 * Image references, skopeo style: `TRANSPORT:DETAILS`, or a plain registry reference
 * (`REGISTRY/REPO[:TAG][@DIGEST]`, optionally prefixed with `docker://`).
 * Docker Hub short names expand the way the Docker CLI expands them
 * (`debian` → `docker.io/library/debian:latest`).
 */
export type TransportName = 'registry' | 'docker-archive' | 'oci-archive' | 'oci' | 'docker-daemon' | 'dir' | 'sbom';

export interface RegistryReference {
  /** Registry host as users write it (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Repository path (`library/debian`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageReference =
  | ({ transport: 'registry' } & RegistryReference)
  | { transport: 'docker-archive' | 'oci-archive'; path: string; /** image inside a multi-image archive */ selector?: string }
  | { transport: 'oci'; path: string; /** `org.opencontainers.image.ref.name` or digest inside the layout */ selector?: string }
  | { transport: 'docker-daemon'; name: string }
  | { transport: 'dir'; path: string }
  | { transport: 'sbom'; path: string };

export const DOCKER_HUB = 'docker.io';
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
// Distribution spec, "Pulling manifests": repository path components and tags.
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;

const TRANSPORT_PREFIXES: Record<string, TransportName> = {
  'docker-archive': 'docker-archive',
  'oci-archive': 'oci-archive',
  oci: 'oci',
  'docker-daemon': 'docker-daemon',
  dir: 'dir',
  sbom: 'sbom',
  docker: 'registry',
  registry: 'registry',
};

export function parseReference(input: string): ImageReference {
  const raw = input.trim();
  if (raw === '') throw new BulkheadError('REFERENCE_INVALID', 'image reference "" is empty: give REGISTRY/REPO[:TAG], or TRANSPORT:PATH', { input });
  if (raw.startsWith('docker://')) return { transport: 'registry', ...parseRegistryReference(raw.slice('docker://'.length), input) };

  const colon = raw.indexOf(':');
  if (colon > 0) {
    const prefix = raw.slice(0, colon);
    const rest = raw.slice(colon + 1);
    const transport = TRANSPORT_PREFIXES[prefix];
    // `host:5000/repo` and `repo:tag` also contain a colon: only a known word before it is a transport.
    if (transport && transport !== 'registry') {
      if (rest === '') throw new BulkheadError('REFERENCE_INVALID', `"${input}": ${transport} needs a path or name after "${prefix}:"`, { input });
      return transportReference(transport, rest, input);
    }
    // `word://...` or `word:/path` cannot be a `repo:tag`, so it names a transport we do not know.
    if (!transport && /^[a-z][a-z0-9+-]*$/.test(prefix) && (rest.startsWith('/') || rest.startsWith('.'))) {
      const known = ['docker://', ...Object.keys(TRANSPORT_PREFIXES).filter((k) => k !== 'docker' && k !== 'registry').map((k) => k + ':')];
      throw new BulkheadError('TRANSPORT_UNKNOWN', `"${input}": unknown transport "${prefix}" (known: ${known.join(', ')})`, { input });
    }
  }
  return { transport: 'registry', ...parseRegistryReference(raw, input) };
}

function transportReference(transport: Exclude<TransportName, 'registry'>, rest: string, input: string): ImageReference {
  switch (transport) {
    case 'docker-daemon':
      return { transport, name: rest };
    case 'dir':
    case 'sbom':
      return { transport, path: rest };
    case 'oci':
    case 'docker-archive':
    case 'oci-archive': {
      // `PATH:SELECTOR`: a selector never contains '/', so a colon in a directory name still works.
      const at = rest.lastIndexOf(':');
      if (at > 0 && !rest.slice(at + 1).includes('/') && rest.slice(at + 1) !== '') {
        const selector = rest.slice(at + 1);
        // `oci:dir@sha256:...` style digests contain a colon themselves
        const maybeDigest = rest.slice(rest.lastIndexOf('@') + 1);
        if (rest.includes('@') && DIGEST_RE.test(maybeDigest)) {
          return { transport, path: rest.slice(0, rest.lastIndexOf('@')), selector: maybeDigest };
        }
        return { transport, path: rest.slice(0, at), selector };
      }
      return { transport, path: rest };
    }
  }
  throw new BulkheadError('TRANSPORT_UNKNOWN', `"${input}": unknown transport`, { input });
}

/** Parses `[REGISTRY/]REPO[:TAG][@DIGEST]` and applies Docker Hub defaults. */
export function parseRegistryReference(text: string, input = text): RegistryReference {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) {
      throw new BulkheadError('REFERENCE_INVALID', `"${input}": "${digest}" is not a valid digest (expected ALGORITHM:HEX, e.g. sha256:...)`, { input });
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_RE.test(tag)) throw new BulkheadError('REFERENCE_INVALID', `"${input}": "${tag}" is not a valid tag`, { input });
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT_RE.test(p))) {
    throw new BulkheadError('REFERENCE_INVALID', `"${input}": "${parts.join('/') || rest}" is not a valid repository name (lowercase letters, digits and separators . _ - /)`, { input });
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  if (!tag && !digest) tag = 'latest';
  const ref: RegistryReference = { registry, repository: parts.join('/') };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

export function formatRegistryReference(ref: RegistryReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? ':' + ref.tag : ''}${ref.digest ? '@' + ref.digest : ''}`;
}

export function formatReference(ref: ImageReference): string {
  switch (ref.transport) {
    case 'registry':
      return formatRegistryReference(ref);
    case 'docker-daemon':
      return `docker-daemon:${ref.name}`;
    case 'dir':
    case 'sbom':
      return `${ref.transport}:${ref.path}`;
    default:
      return `${ref.transport}:${ref.path}${ref.selector ? ':' + ref.selector : ''}`;
  }
}

/** Loopback registries are reached over plain HTTP without `--insecure`, as Docker does. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0] ?? '';
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
