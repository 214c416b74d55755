import { createHash } from 'node:crypto';
import type { Coverage, VulnerabilityUse } from './types.js';

/**
 * OpenVEX v0.2.0 (https://github.com/openvex/spec, "Document" and "Statement Fields"): one
 * `not_affected` statement per vulnerability found only in packages that were never used, with
 * the justification `vulnerable_code_not_in_execute_path` and an impact statement saying what it
 * rests on. Vulnerabilities in code that ran get no statement: silence is not a claim.
 */
export function surfaceOpenVex(
  notLoaded: readonly VulnerabilityUse[],
  coverage: Coverage,
  image: { purl?: string; reference: string },
  now: Date,
  toolVersion = '0.0.0',
): Record<string, unknown> {
  const impact =
    `Observation, not proof: no file of this package was executed, mapped or read by the ${coverage.containers} ` +
    `container(s) of ${coverage.image} the Bulkhead agent watched for ${Math.round(coverage.observedSeconds)} s ` +
    `(${coverage.firstSeen} to ${coverage.lastSeen}). Code paths the workload did not take in that window ` +
    `(other requests, error handling, scheduled jobs) may still load it.`;
  const byVuln = new Map<string, VulnerabilityUse[]>();
  for (const v of notLoaded) byVuln.set(v.id, [...(byVuln.get(v.id) ?? []), v]);
  const timestamp = now.toISOString();
  const statements = [...byVuln].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, uses]) => ({
    vulnerability: { name: id },
    timestamp,
    products: [
      {
        '@id': image.purl ?? image.reference,
        subcomponents: [...new Set(uses.map((u) => u.purl).filter((p): p is string => !!p))].map((p) => ({ '@id': p })),
      },
    ],
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    impact_statement: impact,
  }));
  const body = JSON.stringify(statements);
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://openvex.dev/docs/bulkhead-surface-${createHash('sha256').update(coverage.imageId + body).digest('hex').slice(0, 32)}`,
    author: `Bulkhead surface ${toolVersion}`,
    timestamp,
    version: 1,
    tooling: `bulkhead ${toolVersion}`,
    statements,
  };
}

/** OCI purl of the image (purl spec, PURL-TYPES "oci"): `pkg:oci/NAME@sha256:...`. */
export function imagePurl(name: string | undefined, digest: string | undefined): string | undefined {
  if (!digest) return undefined;
  const last = (name ?? 'image').split('/').pop()!.split(':')[0]!.split('@')[0]!.toLowerCase();
  return `pkg:oci/${encodeURIComponent(last)}@${encodeURIComponent(digest)}`;
}
