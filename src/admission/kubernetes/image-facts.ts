import { BulkheadError } from '../../errors.js';
import type { FindingKind } from '../../findings/index.js';
import { parseReference, type RegistryReference } from '../../image/index.js';
import { RegistryClient, resolveCredentials } from '../../image/registry/index.js';
import type { Policy, PolicyFacts } from '../../policy/index.js';
import type { RegistryAccessOptions } from '../../trust/index.js';
import { TtlCache } from './ttl-cache.js';

/** What the webhook knows about one image before it looks at how the pod runs it. */
export interface ResolvedImage {
  /** Policy facts without `deployment` (the pod adds it per container). */
  facts: PolicyFacts;
  /** The manifest digest the reference stands for (a tag resolved through the registry). */
  digest: string;
  /** `registry/repository`, for a pinned reference. */
  repository: string;
}

/** Looks an image reference up; throws (BulkheadError) when it cannot, and the webhook denies. */
export type ImageResolver = (image: string) => Promise<ResolvedImage>;

export interface ImageResolverOptions {
  policy: Policy;
  /** Folder the policy's relative key paths are read from. */
  policyDir?: string;
  /** The platform server holding stored scans (`GET /api/v1/images/:digest`), and its API token. */
  server?: { url: string; token: string };
  /** Local vulnerability database for scans made here (when no server is given). */
  dbPath?: string;
  access?: RegistryAccessOptions;
  /** How long a digest's facts are reused (default 5 min): signatures and scans change slowly. */
  factsTtlMs?: number;
  /** How long a tag's digest is reused (default 30 s): tags move. */
  tagTtlMs?: number;
}

/**
 * The production resolver: tag → digest through the registry (Distribution spec, HEAD manifest),
 * then per digest, cached: the signature check `policy check` and the server make
 * (checkPolicySignatures), and the findings, packages and image configuration the policy's rules
 * need, from the server's stored scan or a scan made here against the local database.
 */
export function createImageResolver(options: ImageResolverOptions): ImageResolver {
  const tags = new TtlCache<string>(options.tagTtlMs ?? 30_000, 5000);
  const byDigest = new TtlCache<PolicyFacts>(options.factsTtlMs ?? 300_000, 2000);
  const access = options.access ?? {};
  return async (image) => {
    const parsed = parseReference(image);
    if (parsed.transport !== 'registry') throw new BulkheadError('REFERENCE_INVALID', `${image}: not a registry image reference`, { input: image });
    const { transport: _t, ...ref } = parsed;
    const repository = `${ref.registry}/${ref.repository}`;
    const digest = ref.digest ?? (await tags.get(`${repository}:${ref.tag ?? 'latest'}`, () => resolveTag(ref, access)));
    const base = await byDigest.get(`${repository}@${digest}`, () => factsFor(repository, digest, options));
    const facts: PolicyFacts = { ...base, image: { ...base.image, reference: image, ...(ref.tag ? { tag: ref.tag } : {}) } };
    return { facts, digest, repository };
  };
}

async function resolveTag(ref: RegistryReference, access: RegistryAccessOptions): Promise<string> {
  const { credentials } = await resolveCredentials(ref.registry, access);
  const client = new RegistryClient({ registry: ref.registry, ...(access.insecure ? { insecure: true } : {}), ...(credentials ? { credentials } : {}), ...(access.signal ? { signal: access.signal } : {}) });
  try {
    await client.ping(access.signal);
    const tag = ref.tag ?? 'latest';
    const head = await client.headManifest(ref.repository, tag, access.signal);
    const what = `${ref.registry}/${ref.repository}:${tag}`;
    if (!head) throw new BulkheadError('REGISTRY_NOT_FOUND', `${what}: manifest not found`, { input: what });
    // a registry may leave Docker-Content-Digest out of HEAD; the GET digests the bytes
    return head.digest?.startsWith('sha256:') ? head.digest : (await client.getManifest(ref.repository, tag, access.signal ? { signal: access.signal } : {})).digest;
  } finally {
    client.close();
  }
}

/** Whether the policy has rules that read findings, packages or the image configuration (a scan). */
function needsScan(policy: Policy): boolean {
  const v = policy.vulnerabilities;
  return Boolean((v && (v.maxSeverity !== undefined || v.maxCvss !== undefined || v.forbidKev)) || policy.secrets?.forbid || policy.malware?.forbid || policy.packages || policy.licenses || policy.image);
}

async function factsFor(repository: string, digest: string, options: ImageResolverOptions): Promise<PolicyFacts> {
  const pinned = `${repository}@${digest}`;
  const parsed = parseReference(pinned) as Extract<ReturnType<typeof parseReference>, { transport: 'registry' }>;
  let facts: PolicyFacts = { image: { reference: pinned, registry: parsed.registry, repository: parsed.repository, digest, labels: {} }, findings: [] };
  if (needsScan(options.policy)) {
    facts = options.server ? await serverFacts(facts, options.server, options.policy) : await localScanFacts(pinned, options);
    facts.image = { ...facts.image, registry: parsed.registry, repository: parsed.repository, digest };
  }
  const requirement = options.policy.trust?.signatures;
  if (requirement) {
    const { checkPolicySignatures } = await import('../../cli/policy-signatures.js');
    const check = await checkPolicySignatures(pinned, requirement, { access: options.access ?? {}, ...(options.policyDir ? { baseDir: options.policyDir } : {}) });
    facts.signatures = check.facts;
  }
  return facts;
}

async function localScanFacts(pinned: string, options: ImageResolverOptions): Promise<PolicyFacts> {
  const [{ scanImage }, { factsFromScan }, { scannersFor }] = await Promise.all([import('../../scan/index.js'), import('../../policy/index.js'), import('../../cli/policy.js')]);
  const { result, analysis } = await scanImage(pinned, {
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    scanners: scannersFor(options.policy),
    ...(options.access?.insecure ? { insecure: true } : {}),
  });
  return factsFromScan(result, analysis);
}

interface StoredImage {
  reference?: string;
  created?: string;
  db?: unknown;
  /** USER (and its UID when known) and HEALTHCHECK of the stored scan's image configuration (routes/images.ts). */
  imageConfig?: { user: string; uid?: number; healthcheck: string[] | null };
}

/**
 * The server's stored scan of the digest (routes/images.ts): findings, image configuration, packages.
 * No stored scan leaves the findings unknown: their rules are skipped, which the webhook answers with a
 * denial ("not checked", fail-closed) rather than a scan here (no --db is needed beside --server).
 */
async function serverFacts(facts: PolicyFacts, server: { url: string; token: string }, policy: Policy): Promise<PolicyFacts> {
  const digest = facts.image.digest!;
  const get = async (path: string): Promise<unknown> => {
    const url = new URL(path, server.url.endsWith('/') ? server.url : server.url + '/');
    const res = await fetch(url, { headers: { authorization: `Bearer ${server.token}`, accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new BulkheadError('NETWORK_ERROR', `${url.origin}${url.pathname}: server answered ${res.status}`, { input: url.href });
    return res.json();
  };
  const image = (await get(`api/v1/images/${digest}`)) as StoredImage | undefined;
  if (!image) return { ...facts, absentBecause: { findings: `the server has no stored scan of ${digest}`, packages: `the server has no stored scan of ${digest}` } };
  const found = (await get(`api/v1/images/${digest}/findings?limit=5000`)) as { items: PolicyFacts['findings'] } | undefined;
  const findings = found?.items ?? [];
  const scanned = new Set<FindingKind>(findings.map((f) => f.kind));
  if (image.db) scanned.add('vulnerability');
  // the image rules (non-root user, healthcheck) read the stored configuration; an older server without
  // `imageConfig` leaves them unknown, and the webhook denies them as not checked (fail-closed)
  const config = image.imageConfig;
  const configFacts = config ? { user: config.user, ...(config.uid !== undefined ? { uid: config.uid } : {}), healthcheck: config.healthcheck } : {};
  const out: PolicyFacts = { ...facts, image: { ...facts.image, ...(image.created ? { created: image.created } : {}), ...configFacts }, findings, scanned: [...scanned] };
  if (policy.packages || policy.licenses) {
    const pk = (await get(`api/v1/images/${digest}/packages`)) as { packages?: Array<{ name: string; version: string; type: string; purl?: string; licenses?: string[] }> } | undefined;
    out.packages = (pk?.packages ?? []).map((p) => ({ name: p.name, version: p.version, type: p.type, ...(p.purl ? { purl: p.purl } : {}), ...(p.licenses ? { licenses: p.licenses } : {}) }));
  }
  return out;
}
