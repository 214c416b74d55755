import type { Policy, ImagePolicyFacts, SignatureFacts, SignatureRequirement } from '../../policy/index.js';
import type { Finding, FindingKind } from '../../findings/index.js';
import type { ScannerName } from '../../findings/scan-result.js';
import { BulkheadError } from '../../errors.js';
import { referenceFacts, type ImageEvidence } from './decide.js';
import { inspectImage, type ImageInspect } from './engine-client.js';
import { TtlCache } from './ttl-cache.js';

/**
 * Gathers what the policy needs to know about a create's image: its name and configuration from the
 * daemon, its digest, its signatures (the same `checkPolicySignatures` as `policy check` and the
 * server) and its findings (a local scan against `--db`, or the server's stored scan).
 *
 * Two caches, for `ttlMs`: findings by image ID (a digest's content never changes, only the database
 * does), and signatures by the signed `registry/repository@digest` (signatures live per repository).
 * Only a VERIFIED signature answer is reused: a signature can be added at any moment (`bulkhead sign`
 * after a denial), so an unsigned image is looked up again at its next create.
 */
export interface EvidenceOptions {
  /** The guarded daemon's Engine API socket. */
  dockerSocket: string;
  dbPath?: string;
  server?: { url: string; token: string };
  ttlMs: number;
  /** Folder the policy's relative key paths are read from. */
  baseDir?: string;
}

interface Scanned {
  findings: Finding[];
  scanned: FindingKind[];
  user?: string;
  uid?: number;
}

/** Which parts of the evidence were answered from the cache (reported in the decision event). */
export type CachedPart = 'signatures' | 'findings';

const KIND: Record<string, FindingKind> = { vuln: 'vulnerability', secret: 'secret', malware: 'malware' };

export class ImageEvidenceSource {
  private readonly scans: TtlCache<Promise<Scanned>>;
  private readonly signatures: TtlCache<Promise<SignatureFacts[]>>;
  constructor(private readonly options: EvidenceOptions) {
    this.scans = new TtlCache(options.ttlMs);
    this.signatures = new TtlCache(options.ttlMs);
  }

  /** The evidence, or `{error}` naming why it could not be gathered (the decision then fails closed). */
  async gather(name: string, policy: Policy): Promise<(ImageEvidence & { cached: CachedPart[] }) | { error: string }> {
    try {
      const inspect = await inspectImage(this.options.dockerSocket, name);
      if (!inspect) return { error: `image ${name} is not in the daemon (pull it first)` };
      const facts = imageFacts(name, inspect);
      if (typeof facts === 'string') return { error: facts };
      const cached: CachedPart[] = [];
      const requirement = policy.trust?.signatures;
      const signaturesPending = requirement ? this.signaturesOf(facts, requirement, cached) : undefined;
      const scanners = scannersFor(policy);
      const scanPending = scanners.length ? this.scanOf(facts, inspect, scanners, cached) : undefined;
      const [signatures, scan] = await Promise.all([signaturesPending, scanPending]);
      if (scan?.user !== undefined) facts.user = scan.user;
      if (scan?.uid !== undefined) facts.uid = scan.uid;
      const evidence: ImageEvidence & { cached: CachedPart[] } = { facts, findings: scan?.findings ?? [], scanned: scan?.scanned ?? [], cached };
      if (signatures) evidence.signatures = signatures;
      return evidence;
    } catch (e) {
      return { error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
    }
  }

  private signaturesOf(facts: ImagePolicyFacts, requirement: SignatureRequirement, cached: CachedPart[]): Promise<SignatureFacts[]> {
    // signatures are about the manifest digest the image was pulled by (RepoDigests)
    const signed = facts.digest && facts.registry ? `${facts.registry}/${facts.repository}@${facts.digest}` : undefined;
    if (!signed) return Promise.resolve([{ verified: false, reason: `${facts.reference} has no registry digest (not pulled from a registry): nothing to verify` }]);
    const hit = this.signatures.get(signed);
    if (hit) {
      cached.push('signatures');
      return hit;
    }
    const pending = (async () => {
      const { checkPolicySignatures } = await import('../../cli/policy-signatures.js');
      return (await checkPolicySignatures(signed, requirement, { ...(this.options.baseDir ? { baseDir: this.options.baseDir } : {}) })).facts;
    })();
    this.signatures.set(signed, pending);
    // failures and unverified answers are not kept: the next create asks the registry again
    pending.then((f) => (f.some((s) => s.verified) ? undefined : this.signatures.delete(signed)), () => this.signatures.delete(signed));
    return pending;
  }

  private scanOf(facts: ImagePolicyFacts, inspect: ImageInspect, scanners: ScannerName[], cached: CachedPart[]): Promise<Scanned> {
    const key = `${scanners.join(',')}|${inspect.Id}|${facts.digest ?? ''}`;
    const hit = this.scans.get(key);
    if (hit) {
      cached.push('findings');
      return hit;
    }
    const pending = this.scan(facts, inspect, scanners);
    this.scans.set(key, pending);
    // a failure is not cached: the next create asks again
    pending.catch(() => this.scans.delete(key));
    return pending;
  }

  private async scan(facts: ImagePolicyFacts, inspect: ImageInspect, scanners: ScannerName[]): Promise<Scanned> {
    if (this.options.server) return this.serverScan(facts.digest ?? inspect.Id, inspect.Id, scanners);
    if (!this.options.dbPath && scanners.includes('vuln')) throw new BulkheadError('USAGE', 'the policy has vulnerability rules but neither --db nor --server is given');
    const { scanImage } = await import('../../scan/index.js');
    const { factsFromScan } = await import('../../policy/index.js');
    const scan = await scanImage(`docker-daemon:${inspect.Id}`, { scanners, ...(this.options.dbPath ? { dbPath: this.options.dbPath } : {}), dockerHost: `unix://${this.options.dockerSocket}`, maxDbAgeDays: 0 });
    const scanned = factsFromScan(scan.result, scan.analysis);
    const out: Scanned = { findings: scanned.findings.filter((f) => !f.suppression), scanned: scanned.scanned ?? [] };
    if (scanned.image.user !== undefined) out.user = scanned.image.user;
    if (scanned.image.uid !== undefined) out.uid = scanned.image.uid;
    return out;
  }

  /**
   * The server's stored scan (`GET /api/v1/images/:digest/findings`, src/server/routes/images.ts), and
   * the UID its etc/passwd maps the USER to (`imageConfig.uid` of `GET /api/v1/images/:digest`): the
   * daemon's inspect gives the USER name only. No stored scan is an error: the create is denied (fail-closed).
   */
  private async serverScan(digest: string, id: string, scanners: ScannerName[]): Promise<Scanned> {
    const { url, token } = this.options.server!;
    const get = (path: string) => fetch(new URL(path, url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    const kinds = scanners.map((s) => KIND[s]).join(',');
    for (const d of [...new Set([digest, id])]) {
      const res = await get(`/api/v1/images/${encodeURIComponent(d)}/findings?kind=${kinds}&limit=5000`);
      if (res.status === 404) continue;
      if (!res.ok) throw new BulkheadError('NETWORK_ERROR', `server ${url}: findings of ${d} answered ${res.status}`, { input: url });
      const body = (await res.json()) as { items: Finding[] };
      const out: Scanned = { findings: body.items.filter((f) => !f.suppression), scanned: scanners.map((s) => KIND[s]!) };
      const summary = await get(`/api/v1/images/${encodeURIComponent(d)}`);
      if (summary.ok) {
        const uid = ((await summary.json()) as { imageConfig?: { uid?: number } }).imageConfig?.uid;
        if (typeof uid === 'number') out.uid = uid;
      }
      return out;
    }
    throw new BulkheadError('INPUT_NOT_FOUND', `server ${url} has no scan of ${digest}`, { input: digest });
  }
}

/** The scanners the policy's rules need (as `policy check` chooses them). */
export function scannersFor(policy: Policy): ScannerName[] {
  const out: ScannerName[] = [];
  if (policy.vulnerabilities || policy.packages || policy.licenses) out.push('vuln');
  if (policy.secrets?.forbid) out.push('secret');
  if (policy.malware?.forbid) out.push('malware');
  return out;
}

/**
 * Registry facts from the name the create gives (Docker expands short names to docker.io/library),
 * the manifest digest from the RepoDigests entry of that repository, configuration from the inspect.
 */
function imageFacts(name: string, inspect: ImageInspect): ImagePolicyFacts | string {
  // a create by ID (`docker run sha256:…`) names no registry: take the image's first tag
  const named = /^(sha256:)?[0-9a-f]{12,64}$/u.test(name) ? (inspect.RepoTags?.[0] ?? inspect.RepoDigests?.[0]) : name;
  if (!named) return `image ${name} has no name to judge its registry by`;
  const facts = referenceFacts(named);
  if (typeof facts === 'string') return facts;
  facts.reference = name;
  if (!facts.digest) {
    const repo = `${facts.registry}/${facts.repository}`;
    const match = (inspect.RepoDigests ?? []).find((d) => {
      const f = referenceFacts(d);
      return typeof f !== 'string' && `${f.registry}/${f.repository}` === repo;
    });
    if (match) facts.digest = match.slice(match.lastIndexOf('@') + 1);
  }
  if (inspect.Created) facts.created = inspect.Created;
  facts.labels = { ...(inspect.Config?.Labels ?? {}) };
  facts.user = inspect.Config?.User ?? '';
  facts.healthcheck = inspect.Config?.Healthcheck?.Test ?? null;
  return facts;
}
