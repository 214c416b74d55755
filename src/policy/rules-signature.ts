import { checked, skipped, type Rule } from './rule.js';
import type { KeylessIdentity, SignatureRequirement } from './schema.js';
import type { SignatureFacts } from './types.js';

/**
 * The caller verifies signatures (trust module) and hands over the results; this rule only decides
 * whether one verified signature is from a key or keyless identity the policy names (the same
 * issuer + subject pairing as `cosign verify --certificate-oidc-issuer --certificate-identity`).
 */
function identityMatches(wanted: KeylessIdentity, got: { issuer: string; subject: string }): boolean {
  if (wanted.issuer !== got.issuer) return false;
  if (wanted.subject !== undefined) return wanted.subject === got.subject;
  return new RegExp(wanted.subjectRegExp!, 'u').test(got.subject);
}

/** Why a verified signature satisfies the requirement, or undefined when it does not. */
export function satisfies(requirement: SignatureRequirement, sig: SignatureFacts): string | undefined {
  if (!sig.verified) return undefined;
  if (sig.keyId !== undefined && requirement.keys?.includes(sig.keyId)) return `verified with key ${sig.keyId}`;
  if (sig.identity && requirement.identities?.some((i) => identityMatches(i, sig.identity!))) {
    return `verified keyless: issuer ${sig.identity.issuer}, subject ${sig.identity.subject}`;
  }
  return undefined;
}

export const signature: Rule = {
  id: 'signature',
  applies: (p) => p.trust?.signatures !== undefined,
  check(policy, facts) {
    if (!facts.signatures) return skipped(facts.absentBecause?.signatures ?? 'signature facts not provided');
    const requirement = policy.trust!.signatures!;
    const good = facts.signatures.map((s) => satisfies(requirement, s)).filter((s): s is string => s !== undefined);
    if (good.length) return checked([], good);
    if (facts.signatures.length === 0) return checked([{ text: 'no signature found', keys: [] }]);
    return checked(
      facts.signatures.map((s) => {
        const who = s.keyId ? `key ${s.keyId}` : s.identity ? `issuer ${s.identity.issuer}, subject ${s.identity.subject}` : 'signature';
        return { text: s.verified ? `${who}: verified but not trusted by the policy` : `${who}: not verified${s.reason ? ` (${s.reason})` : ''}`, keys: [] };
      }),
    );
  },
};
