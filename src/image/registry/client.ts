import type { Readable } from 'node:stream';
import { BulkheadError } from '../../errors.js';
import { digestOf, splitDigest, verifyBuffer } from '../digest.js';
import { LIMITS } from '../limits.js';
import { DOCKER_HUB, isLoopbackRegistry } from '../reference.js';
import { repositoryScope } from './auth.js';
import { discard, readBody } from './http.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES, parseManifest, type Descriptor } from './manifest.js';
import { RegistrySession, headerValue, type SessionOptions } from './session.js';

export interface RegistryClientOptions extends SessionOptions {
  /** Registry host as users write it (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  /** Digest of `bytes`, checked against the requested digest or the registry's Docker-Content-Digest. */
  digest: string;
}

/** Docker Hub's API host; `docker.io` is only the name users write. */
const DOCKER_HUB_API = 'registry-1.docker.io';
const PULL = ['pull'] as const;
const PUSH = ['pull', 'push'] as const;

/**
 * HTTPS, except plain HTTP for loopback registries. An insecure registry starts on HTTPS without
 * certificate checks and falls back to HTTP in `ping`, as Docker does for insecure registries.
 */
export function registryBaseUrl(registry: string, insecure = false): URL {
  const host = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
  return new URL(`${isLoopbackRegistry(registry) && !insecure ? 'http' : 'https'}://${host}/`);
}

/**
 * An OCI Distribution v2 client for one registry. The pull methods use GET and HEAD only; the push
 * and listing methods are for signing and registry monitoring and are never called by a scan.
 */
export class RegistryClient {
  readonly registry: string;
  private base: URL;
  private readonly session: RegistrySession;
  private readonly insecure: boolean;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.insecure = options.insecure === true;
    this.base = registryBaseUrl(options.registry, this.insecure);
    this.session = new RegistrySession(options.registry, options);
  }

  /** The base URL in use (it may switch to plain HTTP after `ping` for an insecure registry). */
  get baseUrl(): URL {
    return new URL(this.base);
  }

  close(): void {
    this.session.close();
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  /**
   * `GET /v2/` (Distribution spec, "API Version Check"): checks the registry answers and learns how
   * it wants to be authenticated. An `--insecure` registry that does not speak TLS is tried on HTTP.
   */
  async ping(signal?: AbortSignal): Promise<void> {
    const attempt = async () => {
      const res = await this.session.request({ method: 'GET', url: this.url('/v2/'), scopes: [], what: this.registry, kind: 'registry', ...(signal ? { signal } : {}) });
      discard(res.body);
    };
    try {
      await attempt();
    } catch (e) {
      const tlsFailed = e instanceof BulkheadError && e.code === 'NETWORK_ERROR' && this.base.protocol === 'https:';
      if (!this.insecure || !tlsFailed) throw e;
      this.base = new URL(this.base.href.replace(/^https:/, 'http:'));
      await attempt();
    }
  }

  /** `GET /v2/<name>/manifests/<reference>`, read whole (capped), its digest verified. */
  async getManifest(repository: string, reference: string, options: { signal?: AbortSignal; accept?: string } = {}): Promise<FetchedManifest> {
    const what = describe(this.registry, repository, reference);
    const res = await this.session.request({
      method: 'GET',
      url: this.url(`/v2/${repository}/manifests/${reference}`),
      scopes: [repositoryScope(repository, PULL)],
      what,
      kind: 'manifest',
      headers: { accept: options.accept ?? MANIFEST_ACCEPT },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const bytes = await readBody(res.body, LIMITS.maxDocumentBytes, `${what} manifest`);
    const mediaType = headerValue(res.headers['content-type']).split(';')[0]!.trim();
    const announced = headerValue(res.headers['docker-content-digest']);
    let digest: string;
    if (isDigest(reference)) {
      verifyBuffer(bytes, reference, `${what} manifest`);
      digest = reference;
      if (announced && announced !== reference && announced.startsWith(splitDigest(reference, what).algorithm + ':')) {
        throw new BulkheadError('DIGEST_MISMATCH', `${what}: the registry announced digest ${announced} for a manifest requested by digest ${reference}`, { input: what });
      }
    } else if (announced) {
      verifyBuffer(bytes, announced, `${what} manifest (Docker-Content-Digest)`);
      digest = announced.startsWith('sha256:') ? announced : digestOf(bytes);
    } else {
      digest = digestOf(bytes);
    }
    return { bytes, mediaType, digest };
  }

  /** `HEAD /v2/<name>/manifests/<reference>`: digest and type without the body; undefined when absent. */
  async headManifest(repository: string, reference: string, signal?: AbortSignal): Promise<{ digest?: string; mediaType?: string; size?: number } | undefined> {
    const res = await this.session.request({
      method: 'HEAD',
      url: this.url(`/v2/${repository}/manifests/${reference}`),
      scopes: [repositoryScope(repository, PULL)],
      what: describe(this.registry, repository, reference),
      kind: 'manifest',
      headers: { accept: MANIFEST_ACCEPT },
      accept: (s) => (s >= 200 && s < 300) || s === 404,
      ...(signal ? { signal } : {}),
    });
    discard(res.body);
    if (res.status === 404) return undefined;
    const out: { digest?: string; mediaType?: string; size?: number } = {};
    const digest = headerValue(res.headers['docker-content-digest']);
    if (digest) out.digest = digest;
    const type = headerValue(res.headers['content-type']).split(';')[0]!.trim();
    if (type) out.mediaType = type;
    const size = Number(res.headers['content-length']);
    if (Number.isSafeInteger(size)) out.size = size;
    return out;
  }

  /**
   * `GET /v2/<name>/blobs/<digest>`, streamed and NOT verified: the caller pipes it through a
   * DigestVerifier. Redirects to object storage are followed without the Authorization header.
   */
  async getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<{ body: Readable; size?: number }> {
    const res = await this.session.request({
      method: 'GET',
      url: this.url(`/v2/${repository}/blobs/${digest}`),
      scopes: [repositoryScope(repository, PULL)],
      what: `${this.registry}/${repository}@${digest}`,
      kind: 'blob',
      ...(signal ? { signal } : {}),
    });
    const size = Number(res.headers['content-length']);
    return Number.isSafeInteger(size) ? { body: res.body, size } : { body: res.body };
  }

  /** A small blob (a config, a signature) read whole, capped and verified. */
  async getBlobBytes(repository: string, digest: string, options: { maxBytes?: number; signal?: AbortSignal; what?: string } = {}): Promise<Buffer> {
    const what = options.what ?? `${this.registry}/${repository}@${digest}`;
    const { body } = await this.getBlob(repository, digest, options.signal);
    const bytes = await readBody(body, options.maxBytes ?? LIMITS.maxDocumentBytes, what);
    verifyBuffer(bytes, digest, what);
    return bytes;
  }

  /** `HEAD /v2/<name>/blobs/<digest>`. */
  async hasBlob(repository: string, digest: string, scopes: readonly string[] = PULL, signal?: AbortSignal): Promise<boolean> {
    const res = await this.session.request({
      method: 'HEAD',
      url: this.url(`/v2/${repository}/blobs/${digest}`),
      scopes: [repositoryScope(repository, scopes)],
      what: `${this.registry}/${repository}@${digest}`,
      kind: 'blob',
      accept: (s) => (s >= 200 && s < 300) || s === 404,
      ...(signal ? { signal } : {}),
    });
    discard(res.body);
    return res.status !== 404;
  }

  /** `GET /v2/<name>/tags/list`, following `Link: <…>; rel="next"` pages (Distribution spec, "Listing Tags"). */
  async listTags(repository: string, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    const first = this.url(`/v2/${repository}/tags/list${options.pageSize ? `?n=${options.pageSize}` : ''}`);
    return this.paginate(first, 'tags', [repositoryScope(repository, PULL)], `${this.registry}/${repository}`, 'tag list', options.signal);
  }

  /** `GET /v2/_catalog` (a registry extension most registries restrict), all pages. */
  async catalog(options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    const first = this.url(`/v2/_catalog${options.pageSize ? `?n=${options.pageSize}` : ''}`);
    return this.paginate(first, 'repositories', ['registry:catalog:*'], this.registry, 'catalog', options.signal);
  }

  private async paginate(first: URL, field: string, scopes: string[], what: string, kind: 'tag list' | 'catalog', signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    let url: URL | undefined = first;
    for (let page = 0; url && page < 10_000; page++) {
      const res = await this.session.request({ method: 'GET', url, scopes, what, kind, ...(signal ? { signal } : {}) });
      const body = await readBody(res.body, LIMITS.maxDocumentBytes, what);
      const doc = parseJson(body, `${what} ${kind}`) as Record<string, unknown>;
      const list = doc[field];
      if (Array.isArray(list)) out.push(...list.filter((t): t is string => typeof t === 'string'));
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(headerValue(res.headers['link']));
      url = next ? new URL(next[1]!, url) : undefined;
    }
    return out;
  }

  /**
   * Manifests that refer to `digest` (Distribution spec 1.1, "Listing Referrers"); registries without
   * the API are asked for the fallback tag `<alg>-<hex>` (image-spec, "Referrers Tag Schema").
   */
  async referrers(repository: string, digest: string, options: { artifactType?: string; signal?: AbortSignal } = {}): Promise<Descriptor[]> {
    const what = `${this.registry}/${repository}@${digest} referrers`;
    const url = this.url(`/v2/${repository}/referrers/${digest}`);
    if (options.artifactType) url.searchParams.set('artifactType', options.artifactType);
    const res = await this.session.request({
      method: 'GET', url, scopes: [repositoryScope(repository, PULL)], what, kind: 'referrers',
      headers: { accept: MEDIA_TYPES.ociIndex }, accept: (s) => (s >= 200 && s < 300) || s === 404,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let bytes: Buffer;
    if (res.status === 404) {
      discard(res.body);
      const { algorithm, hex } = splitDigest(digest, what);
      const tag = `${algorithm}-${hex}`;
      if (!(await this.headManifest(repository, tag, options.signal))) return [];
      bytes = (await this.getManifest(repository, tag, { accept: MEDIA_TYPES.ociIndex, ...(options.signal ? { signal: options.signal } : {}) })).bytes;
    } else {
      bytes = await readBody(res.body, LIMITS.maxDocumentBytes, what);
    }
    const doc = parseManifest(bytes, MEDIA_TYPES.ociIndex, what);
    if (doc.kind !== 'index') throw new BulkheadError('MANIFEST_INVALID', `${what}: the referrers answer is not an image index`, { input: what });
    return options.artifactType ? doc.manifests.filter((d) => d.artifactType === options.artifactType) : doc.manifests;
  }

  /** `PUT /v2/<name>/manifests/<reference>`; returns the manifest's digest. Push path only. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    const digest = isDigest(reference) ? reference : digestOf(bytes);
    if (isDigest(reference)) verifyBuffer(bytes, reference, describe(this.registry, repository, reference));
    const res = await this.session.request({
      method: 'PUT', url: this.url(`/v2/${repository}/manifests/${reference}`), scopes: [repositoryScope(repository, PUSH)],
      what: describe(this.registry, repository, reference), kind: 'manifest', headers: { 'content-type': mediaType }, body: bytes,
      ...(signal ? { signal } : {}),
    });
    discard(res.body);
    return digest;
  }

  /**
   * Monolithic upload (Distribution spec, "Pushing a blob monolithically", POST then PUT): fine for
   * signatures and attestations, which are small. Skipped when the blob is already there.
   */
  async uploadBlob(repository: string, bytes: Buffer, signal?: AbortSignal): Promise<string> {
    const digest = digestOf(bytes);
    const what = `${this.registry}/${repository}@${digest}`;
    if (await this.hasBlob(repository, digest, PUSH, signal)) return digest;
    const scopes = [repositoryScope(repository, PUSH)];
    const started = await this.session.request({ method: 'POST', url: this.url(`/v2/${repository}/blobs/uploads/`), scopes, what, kind: 'upload', ...(signal ? { signal } : {}) });
    discard(started.body);
    const location = headerValue(started.headers['location']);
    if (!location) throw new BulkheadError('REGISTRY_ERROR', `${what}: the registry started an upload without a Location`, { input: what });
    const target = new URL(location, started.url);
    target.searchParams.set('digest', digest);
    const done = await this.session.request({
      method: 'PUT', url: target, scopes, what, kind: 'upload', headers: { 'content-type': 'application/octet-stream' }, body: bytes,
      ...(signal ? { signal } : {}),
    });
    discard(done.body);
    return digest;
  }
}

export function isDigest(reference: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(reference);
}

function describe(registry: string, repository: string, reference: string): string {
  return `${registry}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    const doc: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof doc === 'object' && doc !== null) return doc;
  } catch {
    /* fall through */
  }
  throw new BulkheadError('REGISTRY_ERROR', `${what}: the registry answered something that is not a JSON object`, { input: what });
}
