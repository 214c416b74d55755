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
  if (requirement.identities?.length && !facts.some((f) => f.verified)) {
    facts.push({ verified: false, reason: 'keyless identities: verify with `bulkhead verify --certificate-identity` (not evaluated by policy check yet)' });
  }
  return facts;
}
