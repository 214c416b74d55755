import { createHash } from 'node:crypto';
import type { ScanResult } from '../findings/scan-result.js';
import type { Finding, Severity } from '../findings/types.js';
import { bestScore, fixedLabel, layerLabel, sortFindings } from './finding-view.js';
import { imageRelativeUri } from './image-uri.js';

/**
 * SARIF 2.1.0 (OASIS Standard, errata 01) for GitHub code scanning and other SARIF viewers: one
 * reportingDescriptor (rule) per vulnerability id (§3.49), one result per finding (§3.27). GitHub
 * reads `properties.security-severity` on rules to rank alerts and `partialFingerprints` (§3.27.17)
 * to follow one alert across runs.
 */
const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** §3.27.10 `level`. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'note',
};

/**
 * GitHub maps security-severity to its labels (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
 * 0.1-3.9 low). Without a CVSS score a value inside the finding's severity band keeps the order.
 */
const BAND_SCORE: Partial<Record<Severity, number>> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0 };

export function renderSarif(result: ScanResult): string {
  const findings = sortFindings(result.findings);
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  for (const id of new Set(findings.map((f) => f.id))) {
    ruleIndex.set(id, rules.length);
    rules.push(rule(findings.filter((f) => f.id === id)));
  }
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Bulkhead',
            version: result.tool.version,
            ...(/^\d+\.\d+\.\d+/.test(result.tool.version) ? { semanticVersion: result.tool.version } : {}),
            rules,
          },
        },
        // §3.14.14: results sit on the image; GitHub shows the image path relative to the repository
        results: findings.map((f) => sarifResult(f, ruleIndex.get(f.id)!, result)),
        properties: {
          image: result.image.reference,
          ...(result.image.manifestDigest ? { manifestDigest: result.image.manifestDigest } : {}),
          ...(result.image.configDigest ? { configDigest: result.image.configDigest } : {}),
          ...(result.os ? { os: [result.os.id, result.os.versionId].filter(Boolean).join(' ') } : {}),
          packagesScanned: result.packagesScanned,
          createdAt: result.createdAt,
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** The rule of one vulnerability id, from the worst of its findings. */
function rule(group: Finding[]): Record<string, unknown> {
  const worst = group[0]!;
  const scores = group.map(bestScore).filter((s): s is number => s !== undefined);
  const score = scores.length > 0 ? Math.max(...scores) : BAND_SCORE[worst.severity];
  const v = worst.vulnerability;
  const packages = [...new Set(group.map((f) => f.target.package ? `${f.target.package.name} ${f.target.package.version}` : f.target.path ?? ''))];
  const fixes = group.map((f) => (f.target.package ? `| ${md(f.target.package.name)} | ${md(f.target.package.version)} | ${md(fixedLabel(f))} |` : undefined));
  const markdown = [
    `**${md(worst.id)}**${v && v.ids.length > 1 ? ` (${v.ids.slice(1).map(md).join(', ')})` : ''}: ${md(worst.title)}`,
    '',
    worst.description ? worst.description.split(/\n\s*\n/).map(md).join('\n\n') : '',
    '',
    ...(fixes.some(Boolean) ? ['| Package | Installed | Fixed |', '| --- | --- | --- |', ...fixes.filter((x): x is string => !!x), ''] : []),
    worst.remediation ? `**Remediation:** ${md(worst.remediation)}` : '',
    ...(v && v.references.length ? ['', '**References:**', ...v.references.slice(0, 10).map((r) => `- ${md(r)}`)] : []),
  ].join('\n').replace(/\n{3,}/g, '\n\n').trim();
  const primaryReference = v?.references.find((r) => /^https:\/\//.test(r));
  return {
    id: worst.id,
    name: worst.id.replace(/[^A-Za-z0-9]+/g, ''),
    shortDescription: { text: oneLine(worst.title) },
    fullDescription: { text: worst.description?.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ').trim() || oneLine(worst.title) }, // eslint-disable-line no-control-regex
    ...(primaryReference ? { helpUri: primaryReference } : {}),
    help: {
      text: `${worst.id}: ${oneLine(worst.title)}. Affects ${packages.join(', ')}. ${worst.remediation ?? ''}`.trim(),
      markdown,
    },
    defaultConfiguration: { level: LEVEL[worst.severity] },
    properties: {
      ...(score !== undefined ? { 'security-severity': score.toFixed(1) } : {}),
      tags: ['security', 'vulnerability', worst.severity, ...(v?.ecosystem ? [v.ecosystem] : [])],
      precision: 'very-high',
      'problem.severity': LEVEL[worst.severity] === 'note' ? 'recommendation' : LEVEL[worst.severity],
    },
  };
}

function sarifResult(f: Finding, index: number, result: ScanResult): Record<string, unknown> {
  const pkg = f.target.package;
  const what = pkg ? `${pkg.name} ${pkg.version}${pkg.type ? ` (${pkg.type})` : ''}` : (f.target.path ?? result.image.reference);
  const fix = f.kind !== 'vulnerability' ? (f.remediation ?? 'see the rule help') : f.vulnerability?.fixedVersion ? `fixed in ${f.vulnerability.fixedVersion}` : 'no fix yet';
  const layer = layerLabel(f);
  const uri = f.target.path ? imageRelativeUri(f.target.path) : imageRelativeUri(result.image.reference);
  const out: Record<string, unknown> = {
    ruleId: f.id,
    ruleIndex: index,
    kind: 'fail',
    level: LEVEL[f.severity],
    message: {
      text: `${what}: ${f.id} (${f.severity}) ${oneLine(f.title)}; ${fix}${layer ? `; layer ${layer}` : ''}.`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri }, region: { startLine: f.target.line ?? 1, ...(f.target.column ? { startColumn: f.target.column } : {}) } },
        ...(pkg ? { logicalLocations: [{ name: pkg.name, fullyQualifiedName: pkg.purl ?? `${pkg.type}:${pkg.name}@${pkg.version}`, kind: 'package' }] } : {}),
      },
    ],
    // §3.27.17: stable across runs of the same image and across images with the same package
    partialFingerprints: { 'bulkhead/v1': fingerprint(f) },
    properties: {
      severity: f.severity,
      ...(pkg ? { packageName: pkg.name, installedVersion: pkg.version, packageType: pkg.type, ...(pkg.purl ? { purl: pkg.purl } : {}) } : {}),
      ...(f.vulnerability?.fixedVersion ? { fixedVersion: f.vulnerability.fixedVersion } : {}),
      ...(f.target.layerDigest ? { layerDigest: f.target.layerDigest } : {}),
      ...(f.target.layerIndex !== undefined ? { layerIndex: f.target.layerIndex } : {}),
      ...(f.target.layerCreatedBy ? { layerCreatedBy: f.target.layerCreatedBy } : {}),
    },
  };
  if (f.suppression) {
    // §3.35: a suppression decided outside the analysed artefact (ignore file, VEX document)
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: f.suppression.reason,
        properties: {
          suppressionKind: f.suppression.kind,
          source: f.suppression.source,
          ...(f.suppression.status ? { status: f.suppression.status } : {}),
          ...(f.suppression.justification ? { vexJustification: f.suppression.justification } : {}),
          ...(f.suppression.expires ? { expires: f.suppression.expires } : {}),
        },
      },
    ];
  }
  return out;
}

function fingerprint(f: Finding): string {
  const pkg = f.target.package;
  const key = [f.id, pkg?.purl ?? (pkg ? `${pkg.type}/${pkg.name}@${pkg.version}` : ''), f.target.path ?? ''].join('\n');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** Control characters (ANSI escapes in a hostile title) become spaces: viewers would show them raw. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
}

/** Markdown in `help.markdown` is rendered by GitHub: escape what would become markup or HTML. */
function md(text: string): string {
  return oneLine(text).replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

