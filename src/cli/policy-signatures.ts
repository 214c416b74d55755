import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import { parseReference } from '../image/index.js';
import type { SignatureFacts, SignatureRequirement } from '../policy/index.js';
import type { RegistryAccessOptions } from '../trust/index.js';

export interface PolicySignatureOptions {
  /** How to reach the image's registry (credentials, plain HTTP, abort signal). */
  access?: RegistryAccessOptions;
  /** Folder relative key and trusted-root paths are read from (default: the working directory). */
  baseDir?: string;
}

export interface PolicySignatureCheck {
  facts: SignatureFacts[];
  /** Signatures found beside the image, valid or not (0: the image is unsigned). */
  found: number;
}

/** A `keys` entry is a PEM path, or the PEM itself written inline (the server keeps no policy folder). */
function isInlinePem(entry: string): boolean {
  return entry.trimStart().startsWith('-----BEGIN');
}

/**
 * The signature facts a policy needs, from the trust module: the image's signatures verified with
 * the policy's keys. Signatures live in registries; an image read from an archive or a daemon has
 * none to show, which is a failure of the requirement, not a pass.
 */
export async function verifySignaturesForPolicy(reference: string, requirement: SignatureRequirement, options: PolicySignatureOptions = {}): Promise<SignatureFacts[]> {
  return (await checkPolicySignatures(reference, requirement, options)).facts;
}

/** The same check, also counting the signatures found (the server tells `unsigned` from `invalid`). */
export async function checkPolicySignatures(reference: string, requirement: SignatureRequirement, options: PolicySignatureOptions = {}): Promise<PolicySignatureCheck> {
  const ref = parseReference(reference);
  if (ref.transport !== 'registry') {
    return { facts: [{ verified: false, reason: `${reference} is not in a registry: signatures are stored beside registry images` }], found: 0 };
  }
  const at = (path: string) => (options.baseDir && !isAbsolute(path) ? resolve(options.baseDir, path) : path);
  const access = options.access ?? {};
  let found = 0;
  const facts: SignatureFacts[] = [];
  if (requirement.keys?.length) {
    const { loadPublicKey, verifyImage } = await import('../trust/index.js');
    const keys = [];
    for (const [i, path] of requirement.keys.entries()) {
      // the key keeps the name the policy gives it: the signature rule matches verified keys by it
      if (isInlinePem(path)) {
        keys.push({ name: path, key: loadPublicKey(path, `inline key ${i + 1}`) });
        continue;
      }
      let pem: string;
      try {
        pem = await readFile(at(path), 'utf8');
      } catch (e) {
        throw new BulkheadError('INPUT_NOT_FOUND', `${path}: policy signature key unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: path, cause: e });
      }
      keys.push({ name: path, key: loadPublicKey(pem, basename(path)) });
    }
    const result = await verifyImage(reference, keys, access);
    found += result.signatures.length;
    for (const s of result.signatures) {
      facts.push(s.status === 'valid' ? { verified: true, ...(s.keyName ? { keyId: s.keyName } : {}), reason: s.reason } : { verified: false, reason: s.reason });
    }
    if (result.signatures.length === 0) facts.push({ verified: false, reason: `no signature found for ${result.repository}@${result.digest}` });
  }
  if (requirement.identities?.length && requirement.trustedRoot) {
    const { loadTrustMaterial, verifyImage } = await import('../trust/index.js');
    let rootJson: string;
    try {
      rootJson = await readFile(at(requirement.trustedRoot), 'utf8');
    } catch (e) {
      throw new BulkheadError('INPUT_NOT_FOUND', `${requirement.trustedRoot}: policy trusted root unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: requirement.trustedRoot, cause: e });
    }
    const trustMaterial = loadTrustMaterial(rootJson, requirement.trustedRoot);
    for (const wanted of requirement.identities) {
      const keyless = { issuer: wanted.issuer, trustMaterial, ...(wanted.subject ? { identity: wanted.subject } : { identityRegExp: wanted.subjectRegExp! }) };
      const result = await verifyImage(reference, [], { ...access, keyless });
      found = Math.max(found, result.signatures.length);
      const valid = result.signatures.filter((s) => s.status === 'valid');
      for (const s of valid) facts.push({ verified: true, identity: { issuer: wanted.issuer, subject: s.keyName ?? wanted.subject ?? '' }, reason: s.reason });
      if (valid.length === 0) {
        const why = result.signatures.map((s) => s.reason).join('; ');
        facts.push({ verified: false, reason: `no keyless signature by ${wanted.subject ?? wanted.subjectRegExp} (issuer ${wanted.issuer})${why ? `: ${why}` : ''}` });
      }
    }
  }
  return { facts, found };
}
