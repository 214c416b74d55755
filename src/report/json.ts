import type { ScanResult } from '../findings/scan-result.js';
import { SEVERITIES } from '../findings/types.js';

/**
 * The `json` report: the ScanResult itself (described by schemas/scan-result.schema.json). Keys are
 * written in a fixed order whatever order the object was built in, so two scans of the same image
 * diff cleanly: known keys in the order below, any other key after them in sorted order, and
 * free-form maps (labels, evidence, ecosystems) fully sorted.
 */
type Order = { keys: readonly string[]; children?: Record<string, Order>; items?: Order; sorted?: boolean };

const SORTED: Order = { keys: [], sorted: true };
const CVSS: Order = { keys: ['version', 'vector', 'score', 'severity', 'source'] };
const FINDING: Order = {
  keys: ['id', 'kind', 'severity', 'severitySource', 'title', 'description', 'target', 'remediation', 'evidence', 'vulnerability', 'suppression'],
  children: {
    target: {
      keys: ['image', 'imageDigest', 'layerIndex', 'layerDigest', 'layerCreatedBy', 'path', 'package', 'container'],
      children: { package: { keys: ['id', 'name', 'version', 'type', 'purl', 'sourceName', 'sourceVersion', 'ownedBy'] } },
    },
    evidence: SORTED,
    vulnerability: {
      keys: ['ids', 'ecosystem', 'records', 'fixedVersion', 'fixedVersions', 'matchedBy', 'cvss', 'distroSeverity', 'distroStatus', 'kev', 'epss', 'published', 'modified', 'references'],
      children: {
        cvss: { keys: [], items: CVSS },
        kev: { keys: ['dateAdded', 'dueDate', 'knownRansomware'] },
        epss: { keys: ['score', 'percentile', 'date'] },
      },
    },
    suppression: { keys: ['kind', 'reason', 'source', 'status', 'justification', 'expires'] },
  },
};
const ROOT: Order = {
  keys: ['schemaVersion', 'tool', 'createdAt', 'image', 'os', 'packagesScanned', 'db', 'findings', 'summary', 'options', 'warnings'],
  children: {
    tool: { keys: ['name', 'version'] },
    image: {
      keys: ['reference', 'transport', 'name', 'manifestDigest', 'configDigest', 'platform', 'created', 'labels', 'layers', 'config'],
      children: {
        platform: { keys: ['os', 'architecture', 'variant'] },
        labels: SORTED,
        layers: { keys: [], items: { keys: ['index', 'digest', 'diffId', 'mediaType', 'size', 'createdBy', 'files', 'bytes'] } },
        config: SORTED,
      },
    },
    os: { keys: ['id', 'versionId', 'versionCodename', 'prettyName', 'name', 'idLike', 'family', 'distroless', 'source'] },
    db: { keys: ['path', 'updatedAt', 'ageDays', 'ecosystems'], children: { ecosystems: SORTED } },
    findings: { keys: [], items: FINDING },
    summary: { keys: SEVERITIES },
    options: { keys: ['severities', 'ignoreUnfixed', 'failOn'] },
  },
};

export function renderJson(result: ScanResult): string {
  return JSON.stringify(ordered(result, ROOT), null, 2) + '\n';
}

function ordered(value: unknown, order: Order | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, order?.items ?? (order?.sorted ? SORTED : undefined)));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const known = order && !order.sorted ? order.keys.filter((k) => k in obj) : [];
  const rest = Object.keys(obj).filter((k) => !known.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) {
    if (obj[key] === undefined) continue;
    out[key] = ordered(obj[key], order?.sorted ? SORTED : order?.children?.[key]);
  }
  return out;
}
