/**
 * The scan status of each running container's image, from the local vulnerability database: one
 * finding per container whose image has known vulnerabilities (BH-RT-014), at the image's worst
 * severity, with the counts. Each distinct image is scanned once (its layers come from the local
 * daemon and the layer cache); the scan itself is passed in, so this stays pure.
 */
import { SEVERITIES, type Finding, type Severity } from '../../findings/types.js';
import type { ScanResult } from '../../findings/scan-result.js';
import type { ContainerFact } from './container-fact.js';
import { runtimeFinding } from './runtime-finding.js';

export const IMAGE_VULNERABILITIES_CHECK = {
  id: 'BH-RT-014',
  severity: 'unknown' as Severity,
  remediation: 'rebuild the image with fixed package versions and replace the container',
};

export async function imageScanFindings(containers: ContainerFact[], scan: (imageId: string) => Promise<ScanResult | undefined>): Promise<Finding[]> {
  const results = new Map<string, Promise<ScanResult | undefined>>();
  const findings: Finding[] = [];
  for (const fact of containers) {
    const key = fact.imageId ?? fact.image;
    if (!results.has(key)) results.set(key, scan(key));
    const result = await results.get(key)!;
    if (!result) continue;
    const active = result.findings.filter((f) => f.kind === 'vulnerability' && !f.suppression);
    if (active.length === 0) continue;
    const worst = SEVERITIES.find((s) => active.some((f) => f.severity === s)) ?? 'unknown';
    const counts = SEVERITIES.map((s) => [s, active.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    const fixable = active.filter((f) => f.vulnerability?.fixedVersion).length;
    findings.push(
      runtimeFinding(
        fact,
        IMAGE_VULNERABILITIES_CHECK,
        `image ${fact.image} has ${active.length} known vulnerabilit${active.length === 1 ? 'y' : 'ies'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')}; ${fixable} fixable)`,
        { vulnerabilities: String(active.length), fixable: String(fixable), ...Object.fromEntries(counts.map(([s, n]) => [s, String(n)])) },
        worst,
      ),
    );
  }
  return findings;
}
