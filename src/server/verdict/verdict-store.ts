/**
 * The `image_verdicts` table (migration 0002_verdicts): one row per image and active policy, the
 * latest verdict with its rule results and the signature check judged. Typed here with
 * `withTables` so the shared schema file stays as it is.
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';
import type { ImageVerdict, PolicyVerdict, SignatureCheck } from './judge-image.js';

export interface ImageVerdictsTable {
  image_digest: string;
  policy_name: string;
  policy_version: number;
  /** `pass` or `fail`. */
  verdict: string;
  /** JSON: StoredVerdict. */
  result_json: string;
  evaluated_at: string;
}

export type VerdictDb = Kysely<StoreSchema & { image_verdicts: ImageVerdictsTable }>;

export function verdictDb(db: Kysely<StoreSchema>): VerdictDb {
  return db.withTables<{ image_verdicts: ImageVerdictsTable }>();
}

/** What `result_json` holds: the policy result and the signature check (reused after a re-match). */
export interface StoredVerdict {
  rules: PolicyVerdict['result']['rules'];
  warnings: string[];
  signatures?: SignatureCheck;
}

/** What GET /api/v1/images/:digest shows as `policy`. */
export interface PolicyView {
  status: string;
  signatureStatus: string;
  verdicts: Array<{
    policyName: string;
    policyVersion: number;
    verdict: string;
    evaluatedAt: string;
    failedRules: Array<{ rule: string; title: string; evidence: string[] }>;
    rules: StoredVerdict['rules'];
    warnings: string[];
    signatures?: SignatureCheck;
  }>;
}

/** Replaces the image's verdict rows and statuses in one transaction. */
export async function saveVerdict(db: Kysely<StoreSchema>, digest: string, verdict: ImageVerdict, now: Date): Promise<void> {
  const evaluatedAt = now.toISOString();
  await verdictDb(db).transaction().execute(async (tx) => {
    await tx.deleteFrom('image_verdicts').where('image_digest', '=', digest).execute();
    for (const v of verdict.policies) {
      const stored: StoredVerdict = { rules: v.result.rules, warnings: v.result.warnings, ...(v.signatures ? { signatures: v.signatures } : {}) };
      await tx
        .insertInto('image_verdicts')
        .values({ image_digest: digest, policy_name: v.policyName, policy_version: v.policyVersion, verdict: v.verdict, result_json: JSON.stringify(stored), evaluated_at: evaluatedAt })
        .execute();
    }
    await tx.updateTable('images').set({ policy_status: verdict.policyStatus, signature_status: verdict.signatureStatus }).where('digest', '=', digest).execute();
  });
}

/** The signature checks stored for an image, per policy name and version (a re-match reuses them: signatures do not change with the vulnerability database). */
export async function storedSignatureChecks(db: Kysely<StoreSchema>, digest: string): Promise<Map<string, { version: number; check: SignatureCheck }>> {
  const rows = await verdictDb(db).selectFrom('image_verdicts').select(['policy_name', 'policy_version', 'result_json']).where('image_digest', '=', digest).execute();
  const out = new Map<string, { version: number; check: SignatureCheck }>();
  for (const row of rows) {
    const stored = JSON.parse(row.result_json) as StoredVerdict;
    if (stored.signatures) out.set(row.policy_name, { version: row.policy_version, check: stored.signatures });
  }
  return out;
}

export async function loadPolicyView(db: Kysely<StoreSchema>, image: { digest: string; policy_status: string; signature_status: string }): Promise<PolicyView> {
  const rows = await verdictDb(db).selectFrom('image_verdicts').selectAll().where('image_digest', '=', image.digest).orderBy('policy_name').execute();
  return {
    status: image.policy_status,
    signatureStatus: image.signature_status,
    verdicts: rows.map((row) => {
      const stored = JSON.parse(row.result_json) as StoredVerdict;
      return {
        policyName: row.policy_name,
        policyVersion: Number(row.policy_version),
        verdict: row.verdict,
        evaluatedAt: row.evaluated_at,
        failedRules: stored.rules.filter((r) => r.verdict === 'fail').map((r) => ({ rule: r.id, title: r.title, evidence: r.evidence })),
        rules: stored.rules,
        warnings: stored.warnings,
        ...(stored.signatures ? { signatures: stored.signatures } : {}),
      };
    }),
  };
}
