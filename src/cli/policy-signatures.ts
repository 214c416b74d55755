import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BulkheadError } from '../errors.js';
import { parseReference } from '../image/index.js';
import type { SignatureFacts, SignatureRequirement } from '../policy/index.js';

/**
 * The signature facts a policy needs, from the trust module: the image's signatures verified with
 * the policy's keys. Signatures live in registries; an image read from an archive or a daemon has
 * none to show, which is a failure of the requirement, not a pass.
 */
export async function verifySignaturesForPolicy(reference: string, requirement: SignatureRequirement): Promise<SignatureFacts[]> {
  const ref = parseReference(reference);
  if (ref.transport !== 'registry') {
    return [{ verified: false, reason: `${reference} is not in a registry: signatures are stored beside registry images` }];
  }
  const facts: SignatureFacts[] = [];
  if (requirement.keys?.length) {
    const { loadPublicKey, verifyImage } = await import('../trust/index.js');
    const keys = [];
    for (const path of requirement.keys) {
      let pem: string;
      try {
        pem = await readFile(path, 'utf8');
      } catch (e) {
        throw new BulkheadError('INPUT_NOT_FOUND', `${path}: policy signature key unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: path, cause: e });
      }
      keys.push({ name: path, key: loadPublicKey(pem, basename(path)) });
    }
    const result = await verifyImage(reference, keys);
    for (const s of result.signatures) {
      facts.push(s.status === 'valid' ? { verified: true, ...(s.keyName ? { keyId: s.keyName } : {}), reason: s.reason } : { verified: false, reason: s.reason });
    }
    if (result.signatures.length === 0) facts.push({ verified: false, reason: `no signature found for ${result.repository}@${result.digest}` });
  }
  if (requirement.identities?.length && requirement.trustedRoot) {
    const { loadTrustMaterial, verifyImage } = await import('../trust/index.js');
    let rootJson: string;
    try {
      rootJson = await readFile(requirement.trustedRoot, 'utf8');
    } catch (e) {
      throw new BulkheadError('INPUT_NOT_FOUND', `${requirement.trustedRoot}: policy trusted root unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: requirement.trustedRoot, cause: e });
    }
    const trustMaterial = loadTrustMaterial(rootJson, requirement.trustedRoot);
    for (const wanted of requirement.identities) {
      const keyless = { issuer: wanted.issuer, trustMaterial, ...(wanted.subject ? { identity: wanted.subject } : { identityRegExp: wanted.subjectRegExp! }) };
      const result = await verifyImage(reference, [], { keyless });
      const valid = result.signatures.filter((s) => s.status === 'valid');
      for (const s of valid) facts.push({ verified: true, identity: { issuer: wanted.issuer, subject: s.keyName ?? wanted.subject ?? '' }, reason: s.reason });
      if (valid.length === 0) {
        const why = result.signatures.map((s) => s.reason).join('; ');
        facts.push({ verified: false, reason: `no keyless signature by ${wanted.subject ?? wanted.subjectRegExp} (issuer ${wanted.issuer})${why ? `: ${why}` : ''}` });
      }
    }
  }
  return facts;
}
