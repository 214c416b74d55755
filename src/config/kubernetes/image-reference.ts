/**
 * The parts of a container image reference as a kubelet resolves it (the Docker reference grammar,
 * distribution/reference): the first path component is a registry host when it has a `.` or `:` or
 * is `localhost`; otherwise the image is on Docker Hub.
 */
export interface ImageParts {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export function parseImageReference(image: string): ImageParts {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let registry = 'docker.io';
  let repository = rest;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first.toLowerCase();
    repository = rest.slice(slash + 1);
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = 'docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Whether an image comes from one of the trusted registries. An entry names a registry host
 * (`ghcr.io`, `docker.io`) or a registry path prefix (`ghcr.io/acme`, `docker.io/library`); a
 * prefix matches whole path components only.
 */
export function isTrustedImage(image: ImageParts, trusted: string[]): boolean {
  const full = `${image.registry}/${image.repository}`;
  return trusted.some((entry) => {
    const e = normaliseRegistryEntry(entry);
    return full === e || full.startsWith(`${e}/`);
  });
}

function normaliseRegistryEntry(entry: string): string {
  const e = entry.trim().replace(/\/+$/, '').replace(/^[a-z]+:\/\//i, '');
  const slash = e.indexOf('/');
  const host = (slash >= 0 ? e.slice(0, slash) : e).toLowerCase();
  const path = slash >= 0 ? e.slice(slash) : '';
  return `${DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host}${path}`;
}
