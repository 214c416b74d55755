/**
 * The I/O side of signature status: which registry reference an image's signatures hang off, with
 * which credentials, and the check itself through the same code path `bulkhead policy check` uses
 * (cli/policy-signatures.ts). Key paths in a stored policy are read relative to the server's state
 * folder; keys may also be written inline as PEM.
 */
import type { Kysely } from 'kysely';
import { checkPolicySignatures } from '../../cli/policy-signatures.js';
import type { ScanResult } from '../../findings/scan-result.js';
import { parseReference } from '../../image/index.js';
import type { SignatureRequirement } from '../../policy/index.js';
import type { StoreSchema } from '../../store/index.js';
import { registryAccess } from '../registry/index.js';
import type { SignatureCheck } from './judge-image.js';

/** How long one image's signature lookup may take before it counts as failed. */
const LOOKUP_TIMEOUT_MS = 60_000;

export interface RegistryAccessHint {
  credentials?: { username: string; password: string };
  insecure?: boolean;
}

/**
 * `registry/repository@digest` for an image scanned from a registry (signatures are about a
 * digest: the one the scan was asked for, else the manifest read); undefined for any other source.
 */
export function signatureTarget(result: ScanResult): string | undefined {
  if (result.image.transport !== 'registry') return undefined;
  try {
    const ref = parseReference(result.image.reference);
    if (ref.transport !== 'registry') return undefined;
    const digest = ref.digest ?? result.image.manifestDigest;
    return digest ? `${ref.registry}/${ref.repository}@${digest}` : undefined;
  } catch {
    return undefined;
  }
}

/** Credentials of the configured registry serving `host`, decrypted at the moment of use. */
export async function accessForHost(db: Kysely<StoreSchema>, encryptionKey: Buffer, host: string): Promise<RegistryAccessHint | undefined> {
  const rows = await db.selectFrom('registries').select(['url', 'username', 'secret_enc']).execute();
  for (const row of rows) {
    let access;
    try {
      access = registryAccess(row, encryptionKey);
    } catch {
      continue;
    }
    if (access.host === host) return { ...(access.credentials ? { credentials: access.credentials } : {}), ...(access.insecure ? { insecure: true } : {}) };
  }
  return undefined;
}

export interface LookupOptions {
  /** The image as scanned (its reference says whether it is a registry image). */
  result: ScanResult;
  access?: RegistryAccessHint;
  /** Relative key paths are read from here (the server's state folder). */
  baseDir: string;
}

/** Verifies the image's signatures against one policy's requirement; never throws (a failed lookup is an `error` check). */
export async function lookUpSignatures(requirement: SignatureRequirement, options: LookupOptions): Promise<SignatureCheck> {
  const target = signatureTarget(options.result);
  if (!target) {
    return { outcome: 'not-registry', facts: [{ verified: false, reason: `${options.result.image.reference} is not in a registry: signatures are stored beside registry images` }] };
  }
  const { access } = options;
  try {
    const { facts, found } = await checkPolicySignatures(target, requirement, {
      baseDir: options.baseDir,
      access: {
        ...(access?.insecure ? { insecure: true } : {}),
        ...(access?.credentials ? { username: access.credentials.username, password: access.credentials.password } : {}),
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      },
    });
    return { outcome: 'checked', facts, found };
  } catch (e) {
    const reason = `signature lookup for ${target} failed: ${(e as Error).message}`;
    // fail closed: an unverifiable requirement is not met, and the reason says why
    return { outcome: 'error', facts: [{ verified: false, reason }], reason };
  }
}
