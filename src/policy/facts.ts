import type { ImageAnalysis } from '../catalog/index.js';
import type { FindingKind, ScanResult } from '../findings/index.js';
import { parseReference, type ImageReference } from '../image/index.js';
import type { ImagePolicyFacts, PackageFacts, PolicyFacts } from './types.js';

/** The finding kind each scanner of `bulkhead scan --scanners` looks for. */
const KIND_OF_SCANNER: Record<string, FindingKind> = { vuln: 'vulnerability', secret: 'secret', malware: 'malware', config: 'misconfiguration' };

/**
 * PolicyFacts of a finished scan: the image's name and configuration (OCI image spec, "Properties"),
 * its packages and the findings of the scanners that ran. Signatures and deployment facts are not
 * part of a scan; the caller adds them.
 */
export function factsFromScan(result: ScanResult, analysis: ImageAnalysis): PolicyFacts {
  const image = imageFacts(result, analysis);
  const scanned = [...new Set((result.options.scanners ?? []).map((s) => KIND_OF_SCANNER[s]).filter((k): k is FindingKind => k !== undefined))];
  const packages: PackageFacts[] = analysis.packages.map((p) => ({
    name: p.name,
    version: p.version,
    type: p.type,
    purl: p.purl,
    ...(p.licenses?.length ? { licenses: p.licenses } : {}),
    ...(p.locations[0] ? { path: p.locations[0].path } : {}),
  }));
  return { image, findings: result.findings, scanned, packages };
}

function imageFacts(result: ScanResult, analysis: ImageAnalysis): ImagePolicyFacts {
  const subject = result.image;
  const facts: ImagePolicyFacts = { reference: subject.reference, labels: { ...subject.labels } };
  const named = registryName(subject.reference, subject.transport, subject.name);
  if (named) {
    facts.registry = named.registry;
    facts.repository = named.repository;
    if (named.tag) facts.tag = named.tag;
    if (named.digest) facts.digest = named.digest;
  }
  if (!facts.digest && subject.manifestDigest) facts.digest = subject.manifestDigest;
  const created = subject.created ?? subject.config?.created;
  if (created) facts.created = created;
  const config = subject.config;
  // an SBOM input has no configuration: user and healthcheck stay unknown, not "unset"
  if (config && subject.transport !== 'sbom') {
    facts.user = config.config?.User ?? '';
    const name = facts.user.split(':')[0] ?? '';
    const entry = name !== '' && !/^\d+$/u.test(name) ? analysis.users?.find((u) => u.name === name) : undefined;
    if (entry) facts.uid = entry.uid;
    facts.healthcheck = config.config?.Healthcheck?.Test ?? null;
  }
  return facts;
}

/**
 * Registry and repository of the image: from the reference when it names a registry, else from the
 * name the archive or daemon gives it (`RepoTags`), expanded as Docker expands short names.
 */
function registryName(reference: string, transport: string, name: string | undefined): Extract<ImageReference, { transport: 'registry' }> | undefined {
  const candidates = transport === 'registry' ? [reference] : name ? [name] : [];
  for (const text of candidates) {
    try {
      const ref = parseReference(text);
      if (ref.transport === 'registry') return ref;
    } catch {
      // a name that is not a registry reference gives no registry facts
    }
  }
  return undefined;
}
