/** Opens a registry client for the image a signature is about and resolves its tag to a digest. */
import { BulkheadError } from '../errors.js';
import { parseReference } from '../image/index.js';
import { formatRegistryReference, type RegistryReference } from '../image/reference.js';
import { RegistryClient, resolveCredentials } from '../image/registry/index.js';
import { silentReporter, type Reporter } from '../progress.js';

export interface RegistryAccessOptions {
  insecure?: boolean;
  username?: string;
  password?: string;
  dockerConfig?: string;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export interface ResolvedTarget {
  client: RegistryClient;
  ref: RegistryReference;
  reference: string;
  /** The manifest (or index) digest the reference stands for: signatures are always about a digest. */
  digest: string;
}

export async function openTarget(image: string, options: RegistryAccessOptions): Promise<ResolvedTarget> {
  const parsed = parseReference(image);
  if (parsed.transport !== 'registry') {
    throw new BulkheadError('USAGE', `"${image}": signatures live in a registry; give REGISTRY/REPO[:TAG|@DIGEST], not a ${parsed.transport} reference`, { input: image });
  }
  const { transport: _t, ...ref } = parsed;
  const reference = formatRegistryReference(ref);
  const reporter = options.reporter ?? silentReporter;
  const { credentials, note } = await resolveCredentials(ref.registry, options);
  if (note) reporter.warn(note);
  const client = new RegistryClient({
    registry: ref.registry,
    ...(options.insecure ? { insecure: true } : {}),
    ...(credentials ? { credentials } : {}),
    reporter,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    await client.ping(options.signal);
    let digest = ref.digest;
    if (!digest) {
      const head = await client.headManifest(ref.repository, ref.tag ?? 'latest', options.signal);
      if (!head) throw new BulkheadError('REGISTRY_NOT_FOUND', `${reference}: manifest not found`, { input: reference });
      // Some registries omit Docker-Content-Digest on HEAD; the GET computes it from the bytes.
      digest = head.digest?.startsWith('sha256:')
        ? head.digest
        : (await client.getManifest(ref.repository, ref.tag ?? 'latest', options.signal ? { signal: options.signal } : {})).digest;
    }
    return { client, ref, reference, digest };
  } catch (e) {
    client.close();
    throw e;
  }
}
