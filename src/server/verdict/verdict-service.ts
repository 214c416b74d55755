/**
 * Keeps every stored image's policy and signature status current: after each recorded scan (registry
 * scans and CI uploads, through the scan queue's `onScanned`), after a re-match, and after a policy
 * is saved. All work runs one job at a time, so a status change (and its `policy-fail` alert) is
 * decided once. Re-evaluations requested while one waits are merged into it.
 */
import type { Kysely } from 'kysely';
import type { ImageAnalysis } from '../../catalog/index.js';
import { factsFromScan, parsePolicy, type PolicyFacts } from '../../policy/index.js';
import type { StoreSchema } from '../../store/index.js';
import type { Alerter } from '../alerts/index.js';
import { loadScan } from '../inventory/index.js';
import { isNewFailure, judgeImage, type ActivePolicy, type ImageVerdict, type SignatureCheck } from './judge-image.js';
import { policyFailAlert } from './policy-fail-alert.js';
import { accessForHost, lookUpSignatures, signatureTarget, type RegistryAccessHint } from './signature-lookup.js';
import { saveVerdict, storedSignatureChecks } from './verdict-store.js';

export interface VerdictServiceOptions {
  db: Kysely<StoreSchema>;
  /** Relative key paths of stored policies are read from here. */
  stateDir: string;
  encryptionKey: Buffer;
  /** The alerter, looked up when needed (it is created by another route module). */
  alerter: () => Alerter | undefined;
  onWarning: (message: string, error?: unknown) => void;
}

export type ReevaluationTrigger = 'policy' | 'rematch';

export class VerdictService {
  private chain: Promise<unknown> = Promise.resolve();
  /** A full re-evaluation waiting to run; `reuseSignatures` only while every request for it came from a re-match. */
  private queuedAll: { reuseSignatures: boolean; done: Promise<void> } | undefined;
  private stopped = false;

  constructor(private readonly options: VerdictServiceOptions) {}

  /** Judges one image after a scan of it was recorded (awaited by the scan path, so its status is set when the scan shows). */
  afterScan(digest: string, access?: RegistryAccessHint): Promise<ImageVerdict | undefined> {
    return this.serial(() => this.evaluate(digest, { ...(access ? { access } : {}), reuseSignatures: false }));
  }

  /** Re-judges every stored image; a re-match reuses the signature checks of the same policy versions. */
  evaluateAll(trigger: ReevaluationTrigger): Promise<void> {
    if (this.queuedAll) {
      if (trigger === 'policy') this.queuedAll.reuseSignatures = false;
      return this.queuedAll.done;
    }
    const queued = { reuseSignatures: trigger === 'rematch', done: Promise.resolve() };
    queued.done = this.serial(async () => {
      this.queuedAll = undefined;
      const images = await this.options.db.selectFrom('images').select('digest').where('scan_id', 'is not', null).orderBy('digest').execute();
      for (const { digest } of images) {
        if (this.stopped) return;
        try {
          await this.evaluate(digest, { reuseSignatures: queued.reuseSignatures });
        } catch (e) {
          this.options.onWarning(`policy evaluation of ${digest} failed: ${(e as Error).message}`, e);
        }
      }
    });
    this.queuedAll = queued;
    return queued.done;
  }

  /** Resolves when no evaluation is queued or running. */
  async idle(): Promise<void> {
    let seen;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async activePolicies(): Promise<ActivePolicy[]> {
    const rows = await this.options.db.selectFrom('policies').select(['name', 'version', 'yaml']).where('active', '=', 1).orderBy('name').execute();
    const policies: ActivePolicy[] = [];
    for (const row of rows) {
      try {
        policies.push({ name: row.name, version: Number(row.version), policy: parsePolicy(row.yaml, `policy ${row.name} v${row.version}`) });
      } catch (e) {
        // saved policies were validated; one that no longer parses (a schema change) is reported, not judged by
        this.options.onWarning(`policy ${row.name} v${row.version} is not valid any more: ${(e as Error).message}`, e);
      }
    }
    return policies;
  }

  private async evaluate(digest: string, how: { access?: RegistryAccessHint; reuseSignatures: boolean }): Promise<ImageVerdict | undefined> {
    const { db } = this.options;
    const image = await db.selectFrom('images').select(['digest', 'repository', 'scan_id', 'policy_status']).where('digest', '=', digest).executeTakeFirst();
    if (!image?.scan_id) return undefined;
    const scan = await loadScan(db, image.scan_id);
    if (!scan) return undefined;
    const now = new Date();
    const policies = await this.activePolicies();
    const facts = scanFacts(scan.result, scan.analysis);

    const reusable = how.reuseSignatures ? await storedSignatureChecks(db, digest) : new Map<string, { version: number; check: SignatureCheck }>();
    const checks = new Map<string, SignatureCheck>();
    // one lookup per distinct requirement: policies naming the same keys share it
    const byRequirement = new Map<string, SignatureCheck>();
    let access = how.access;
    for (const p of policies) {
      const requirement = p.policy.trust?.signatures;
      if (!requirement) continue;
      const stored = reusable.get(p.name);
      if (stored && stored.version === p.version) {
        checks.set(p.name, stored.check);
        continue;
      }
      const key = JSON.stringify(requirement);
      let check = byRequirement.get(key);
      if (!check) {
        const target = signatureTarget(scan.result);
        if (target && !access) access = await accessForHost(db, this.options.encryptionKey, target.slice(0, target.indexOf('/')));
        check = await lookUpSignatures(requirement, { result: scan.result, baseDir: this.options.stateDir, ...(access ? { access } : {}) });
        byRequirement.set(key, check);
      }
      checks.set(p.name, check);
    }

    const verdict = judgeImage(policies, facts, checks, now);
    await saveVerdict(db, digest, verdict, now);
    if (isNewFailure(image.policy_status, verdict.policyStatus)) await this.alert(image, verdict);
    return verdict;
  }

  private async alert(image: { digest: string; repository: string }, verdict: ImageVerdict): Promise<void> {
    const alerter = this.options.alerter();
    if (!alerter) {
      this.options.onWarning(`${image.repository}@${image.digest} fails its policy, but no alerter is running`);
      return;
    }
    const tags = (await this.options.db.selectFrom('image_tags').select('tag').where('digest', '=', image.digest).orderBy('tag').execute()).map((t) => t.tag);
    await alerter.raise(policyFailAlert({ digest: image.digest, repository: image.repository, tags }, verdict.failedRules));
  }
}

/**
 * Policy facts of a stored scan. A CI upload without its analysis has no package list: the package
 * and license rules are then skipped with that reason instead of judging an empty list.
 */
export function scanFacts(result: Parameters<typeof factsFromScan>[0], analysis: ImageAnalysis | undefined): PolicyFacts {
  if (analysis) return factsFromScan(result, analysis);
  // factsFromScan reads only `users` of the analysis besides the packages dropped below
  const bare: ImageAnalysis = { schemaVersion: 1, image: result.image, packages: [], warnings: [] };
  const { packages: _dropped, ...facts } = factsFromScan(result, bare);
  return { ...facts, absentBecause: { ...facts.absentBecause, packages: 'the scan was uploaded without its package analysis' } };
}
