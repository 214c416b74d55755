import type { Finding } from '../findings/types.js';
import type { SecretHit } from './types.js';

/** A hit with where it was found: a file of a layer, or the image configuration (no path). */
export interface LocatedSecretHit {
  hit: SecretHit;
  path?: string;
  layerIndex?: number;
  layerDigest?: string;
  layerCreatedBy?: string;
  /** The file is deleted (whited out) by a later layer: gone from the file system, not from the image. */
  deleted?: boolean;
}

export interface SecretImageFacts {
  image?: string;
  imageDigest?: string;
}

const KEY_RULE = /^(?:private-key-|pgp-private-key|age-secret-key|kubeconfig-client-key|gcp-service-account-key)/u;

/**
 * Turns hits into Findings (kind `secret`, id = rule id). The same secret (by digest) found by the
 * same rule at the same path in several layers is one finding, at the first layer, with the others
 * listed in the evidence; evidence holds the redacted match only, never the secret or its digest
 * (a digest of a short password can be brute-forced).
 */
export function secretFindings(hits: readonly LocatedSecretHit[], facts: SecretImageFacts = {}): Finding[] {
  const ordered = [...hits].sort((a, b) => (a.layerIndex ?? -1) - (b.layerIndex ?? -1));
  const byKey = new Map<string, { finding: Finding; layers: number[] }>();
  for (const located of ordered) {
    const { hit } = located;
    const key = `${hit.rule}\u0000${hit.sha256}\u0000${located.path ?? hit.location ?? ''}`;
    const existing = byKey.get(key);
    if (existing) {
      if (located.layerIndex !== undefined && !existing.layers.includes(located.layerIndex)) existing.layers.push(located.layerIndex);
      continue;
    }
    const where = located.path !== undefined ? `/${located.path}` : `image configuration ${hit.location ?? ''}`.trim();
    const evidence: Record<string, string> = {
      rule: hit.rule,
      match: hit.redacted,
      line: String(hit.line),
      column: String(hit.column),
    };
    if (hit.location !== undefined) evidence['location'] = hit.location;
    if (located.deleted) evidence['deleted'] = 'true';
    const finding: Finding = {
      id: hit.rule,
      kind: 'secret',
      severity: hit.severity,
      title: `${hit.description} in ${where}`,
      target: {
        ...(facts.image !== undefined ? { image: facts.image } : {}),
        ...(facts.imageDigest !== undefined ? { imageDigest: facts.imageDigest } : {}),
        ...(located.layerIndex !== undefined ? { layerIndex: located.layerIndex } : {}),
        ...(located.layerDigest !== undefined ? { layerDigest: located.layerDigest } : {}),
        ...(located.layerCreatedBy !== undefined ? { layerCreatedBy: located.layerCreatedBy } : {}),
        ...(located.path !== undefined ? { path: located.path } : {}),
      },
      remediation: remediation(located),
      evidence,
    };
    byKey.set(key, { finding, layers: located.layerIndex === undefined ? [] : [located.layerIndex] });
  }
  return [...byKey.values()].map(({ finding, layers }) => {
    if (layers.length > 1) finding.evidence!['layers'] = layers.join(',');
    return finding;
  });
}

function remediation(located: LocatedSecretHit): string {
  const revoke = KEY_RULE.test(located.hit.rule) ? 'Revoke or rotate the key' : 'Revoke the credential with its issuer';
  if (located.path === undefined) {
    return `${revoke}, and keep it out of the image configuration (ENV, LABEL, build arguments): pass it at run time or with a build secret (RUN --mount=type=secret).`;
  }
  if (located.deleted) {
    return `${revoke}: deleting the file in a later layer leaves it in layer ${located.layerIndex ?? '?'}; rebuild without it (multi-stage build or RUN --mount=type=secret).`;
  }
  return `${revoke}, remove the file from the image, and provide it at run time (a mounted secret or volume) or during the build with RUN --mount=type=secret.`;
}
