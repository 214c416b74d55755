import type { Policy, ImagePolicyFacts, SignatureFacts } from '../../policy/index.js';
import type { Finding, FindingKind } from '../../findings/index.js';
import type { ScannerName } from '../../findings/scan-result.js';
import { BulkheadError } from '../../errors.js';
import { referenceFacts, type ImageEvidence } from './decide.js';
import { inspectImage, type ImageInspect } from './engine-client.js';
import { TtlCache } from './ttl-cache.js';

/**
 * Gathers what the policy needs to know about a create's image: its name and configuration from the
 * daemon, its digest, its signatures (the same `checkPolicySignatures` as `policy check` and the
 * server) and its findings (a local scan against `--db`, or the server's stored scan). Signatures and
 * findings are cached by digest for `ttlMs`: a digest's content never changes, only the database does.
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

interface Cached {
  signatures?: SignatureFacts[];
  findings?: Finding[];
  scanned: FindingKind[];
  user?: string;
  uid?: number;
}

const KIND: Record<string, FindingKind> = { vuln: 'vulnerability', secret: 'secret', malware: 'malware' };

export class ImageEvidenceSource {
  private readonly cache: TtlCache<Promise<Cached>>;
  constructor(private readonly options: EvidenceOptions) {
    this.cache = new TtlCache(options.ttlMs);
  }

  /** The evidence, or `{error}` naming why it could not be gathered (the decision then fails closed). */
  async gather(name: string, policy: Policy): Promise<ImageEvidence | { error: string }> {
    try {
      const inspect = await inspectImage(this.options.dockerSocket, name);
      if (!inspect) return { error: `image ${name} is not in the daemon (pull it first)` };
      const facts = imageFacts(name, inspect);
      if (typeof facts === 'string') return { error: facts };
      const key = `${facts.digest ?? inspect.Id}|${inspect.Id}`;
      let pending = this.cache.get(key);
      if (!pending) {
        pending = this.collect(facts, inspect, policy);
        this.cache.set(key, pending);
        // a failure is not cached: the next create asks again
        pending.catch(() => this.cache.delete(key));
      }
      const cached = await pending;
      if (cached.user !== undefined) facts.user = cached.user;
      if (cached.uid !== undefined) facts.uid = cached.uid;
      const evidence: ImageEvidence = { facts, findings: cached.findings ?? [], scanned: cached.scanned };
      if (cached.signatures) evidence.signatures = cached.signatures;
      return evidence;
    } catch (e) {
      return { error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
    }
  }

  private async collect(facts: ImagePolicyFacts, inspect: ImageInspect, policy: Policy): Promise<Cached> {
    const out: Cached = { scanned: [] };
    const requirement = policy.trust?.signatures;
    if (requirement) {
      const { checkPolicySignatures } = await import('../../cli/policy-signatures.js');
      // signatures are about the manifest digest the image was pulled by (RepoDigests)
      const signed = facts.digest && facts.registry ? `${facts.registry}/${facts.repository}@${facts.digest}` : undefined;
      out.signatures = signed
        ? (await checkPolicySignatures(signed, requirement, { ...(this.options.baseDir ? { baseDir: this.options.baseDir } : {}) })).facts
        : [{ verified: false, reason: `${facts.reference} has no registry digest (not pulled from a registry): nothing to verify` }];
    }
    const scanners = scannersFor(policy);
    if (scanners.length === 0) return out;
    if (this.options.server) {
      out.findings = await this.serverFindings(facts.digest ?? inspect.Id, inspect.Id, scanners);
      out.scanned = scanners.map((s) => KIND[s]!);
      return out;
    }
    if (!this.options.dbPath && scanners.includes('vuln')) throw new BulkheadError('USAGE', 'the policy has vulnerability rules but neither --db nor --server is given');
    const { scanImage } = await import('../../scan/index.js');
    const { factsFromScan } = await import('../../policy/index.js');
    const scan = await scanImage(`docker-daemon:${inspect.Id}`, { scanners, ...(this.options.dbPath ? { dbPath: this.options.dbPath } : {}), dockerHost: `unix://${this.options.dockerSocket}`, maxDbAgeDays: 0 });
    const scanned = factsFromScan(scan.result, scan.analysis);
    out.findings = scanned.findings.filter((f) => !f.suppression);
    out.scanned = scanned.scanned ?? [];
    if (scanned.image.user !== undefined) out.user = scanned.image.user;
    if (scanned.image.uid !== undefined) out.uid = scanned.image.uid;
    return out;
  }

  /** The server's stored scan (`GET /api/v1/images/:digest/findings`, src/server/routes/images.ts). */
  private async serverFindings(digest: string, id: string, scanners: ScannerName[]): Promise<Finding[]> {
    const { url, token } = this.options.server!;
    const kinds = scanners.map((s) => KIND[s]).join(',');
    for (const d of [...new Set([digest, id])]) {
      const res = await fetch(new URL(`/api/v1/images/${encodeURIComponent(d)}/findings?kind=${kinds}&limit=5000`, url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      if (res.status === 404) continue;
      if (!res.ok) throw new BulkheadError('NETWORK_ERROR', `server ${url}: findings of ${d} answered ${res.status}`, { input: url });
      const body = (await res.json()) as { items: Finding[] };
      return body.items.filter((f) => !f.suppression);
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
