import type { ImageAnalysis } from '../catalog/analysis.js';
import { BulkheadError } from '../errors.js';
import type { ScanResult } from '../findings/scan-result.js';
import type { CvssScore, Finding, Severity, Suppression } from '../findings/types.js';
import { encodeCycloneDx, type BomVulnerability } from '../sbom/cyclonedx-encode.js';
import { sortFindings } from './finding-view.js';

/**
 * The `cyclonedx-json` report: the analysis's CycloneDX 1.6 BOM with the scan's findings as
 * `vulnerabilities` (CycloneDX 1.6 §vulnerabilities; the shape the CycloneDX VEX guide uses). Findings
 * of one id with the same suppression state become one vulnerability that affects every matched
 * component; a suppressed finding carries an `analysis` built from its ignore rule or VEX statement.
 */
export function renderCycloneDxReport(result: ScanResult, analysis: ImageAnalysis | undefined): string {
  if (!analysis) {
    throw new BulkheadError('USAGE', `cyclonedx-json report of ${result.image.reference}: the image analysis (components) is needed`);
  }
  const groups = new Map<string, Finding[]>();
  for (const f of sortFindings(result.findings.filter((x) => x.kind === 'vulnerability'))) {
    const key = `${f.id}\u0000${suppressionKey(f.suppression)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const vulnerabilities = [...groups.values()].map(toBomVulnerability);
  return encodeCycloneDx(analysis, { toolVersion: result.tool.version, now: new Date(result.createdAt) }, vulnerabilities);
}

function suppressionKey(s: Suppression | undefined): string {
  return s ? JSON.stringify([s.kind, s.status, s.justification, s.reason, s.source]) : '';
}

function toBomVulnerability(group: Finding[]): BomVulnerability {
  const f = group[0]!;
  const v = f.vulnerability;
  const out: BomVulnerability = {
    id: f.id,
    source: databaseOf(f.id),
    affects: group.map((x) => x.target.package?.id).filter((id): id is string => id !== undefined),
    // CycloneDX has no title field: the advisory's text, or its summary when there is no text
    description: f.description?.trim() || f.title,
  };
  const aliases = (v?.ids ?? []).filter((id) => id !== f.id);
  if (aliases.length) out.references = aliases.map((id) => ({ id, source: databaseOf(id) }));
  out.ratings = ratings(group);
  const fixes = [...new Set(group.map((x) => x.remediation).filter((r): r is string => !!r))];
  if (fixes.length) out.recommendation = fixes.join('; ');
  const urls = [...new Set(group.flatMap((x) => x.vulnerability?.references ?? []))].filter(isHttpUrl);
  if (urls.length) out.advisories = urls.map((url) => ({ url }));
  const published = v?.published ? new Date(v.published) : undefined;
  const updated = v?.modified ? new Date(v.modified) : undefined;
  if (published && !Number.isNaN(published.getTime())) out.published = published;
  if (updated && !Number.isNaN(updated.getTime())) out.updated = updated;
  if (f.suppression) out.analysis = analysisOf(f.suppression);
  const props: [string, string][] = [];
  const fixed = [...new Set(group.map((x) => x.vulnerability?.fixedVersion).filter((x): x is string => !!x))];
  for (const version of fixed) props.push(['bulkhead:vulnerability:fixed-version', version]);
  if (v?.kev) props.push(['bulkhead:vulnerability:kev-date-added', v.kev.dateAdded]);
  if (v?.epss) props.push(['bulkhead:vulnerability:epss', String(v.epss.score)], ['bulkhead:vulnerability:epss-percentile', String(v.epss.percentile)]);
  if (f.suppression) props.push(['bulkhead:suppression:kind', f.suppression.kind], ['bulkhead:suppression:source', f.suppression.source]);
  if (f.suppression?.expires) props.push(['bulkhead:suppression:expires', f.suppression.expires]);
  if (props.length) out.properties = props;
  return out;
}

/** One rating per distinct CVSS vector, then the finding's own severity when no vector gave it. */
function ratings(group: Finding[]): NonNullable<BomVulnerability['ratings']> {
  const seen = new Map<string, CvssScore>();
  for (const c of group.flatMap((x) => x.vulnerability?.cvss ?? [])) seen.set(`${c.source ?? ''}\u0000${c.vector}`, c);
  const out: NonNullable<BomVulnerability['ratings']> = [...seen.values()].map((c) => ({
    ...(c.source ? { source: { name: c.source } } : {}),
    score: c.score,
    severity: cdxSeverity(c.severity),
    method: METHOD[c.version] ?? 'other',
    vector: c.vector,
  }));
  const worst = group[0]!;
  if (!worst.severitySource?.startsWith('cvss')) {
    out.push({ severity: cdxSeverity(worst.severity), method: 'other', ...(worst.severitySource ? { source: { name: worst.severitySource } } : {}) });
  }
  return out;
}

const METHOD: Record<string, 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4'> = { '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4' };

/** CycloneDX severities have no `negligible`: it is the schema's `info` ("informational"). */
function cdxSeverity(s: Severity): 'critical' | 'high' | 'medium' | 'low' | 'info' | 'unknown' {
  return s === 'negligible' ? 'info' : s;
}

/** Where an id is published, for CycloneDX `source` (CycloneDX 1.6 §vulnerabilities.source). */
function databaseOf(id: string): { name: string; url: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith('GHSA-')) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

type CdxAnalysis = NonNullable<BomVulnerability['analysis']>;

/**
 * The analysis of a suppressed finding. A VEX status maps to the CycloneDX state it names (CISA
 * "Minimum Requirements for VEX": not_affected, fixed → resolved, under_investigation → in_triage,
 * affected → exploitable); an ignore rule is a decision that the finding does not apply here, so
 * `not_affected`, with the rule's reason as detail. OpenVEX justifications map to the nearest
 * CycloneDX 1.6 `impactAnalysisJustification`.
 */
function analysisOf(s: Suppression): CdxAnalysis {
  const out: CdxAnalysis = { state: STATE[s.status ?? ''] ?? 'not_affected', detail: s.reason };
  const j = s.justification && (JUSTIFICATION[s.justification] ?? (CDX_JUSTIFICATIONS.has(s.justification) ? (s.justification as CdxAnalysis['justification']) : undefined));
  if (j && out.state === 'not_affected') out.justification = j;
  return out;
}

const STATE: Record<string, CdxAnalysis['state']> = {
  not_affected: 'not_affected',
  fixed: 'resolved',
  under_investigation: 'in_triage',
  affected: 'exploitable',
  resolved: 'resolved',
  resolved_with_pedigree: 'resolved_with_pedigree',
  false_positive: 'false_positive',
  in_triage: 'in_triage',
  exploitable: 'exploitable',
};

// OpenVEX spec "Status Justifications" → CycloneDX 1.6 impactAnalysisJustification
const JUSTIFICATION: Record<string, CdxAnalysis['justification']> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

const CDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);
