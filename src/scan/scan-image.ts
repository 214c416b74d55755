import { analyzeImage, type AnalyzeOptions, type ImageAnalysis } from '../catalog/index.js';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import type { ScanResult, ScannerName } from '../findings/scan-result.js';
import { redactScanSubject, scannerAnalyzers, scannerFindings, type ScannerSettings } from './scanners.js';
import { defaultDbPath, matchPackages, openVulnDb, type VulnDb } from '../vuln/index.js';
import { dbInfo } from './db-info.js';
import { severityRank } from './severity-order.js';

export interface ScanOptions extends AnalyzeOptions, ScannerSettings {
  /** Which scanners run (default: vuln, secret, config; malware when signatures or clamd are given). */
  scanners?: ScannerName[];
  /** The vulnerability database: an open one, or a path (default: the cache's `vuln.db`). */
  db?: VulnDb;
  dbPath?: string;
  /** Keep only findings of these severities. */
  severities?: Severity[];
  /** Drop findings that have no fixed version yet. */
  ignoreUnfixed?: boolean;
  /** The severity at or above which an active finding fails the gate (recorded in the result). */
  failOn?: Severity;
  /** A database older than this many days adds a warning (default 7; 0 turns it off). */
  maxDbAgeDays?: number;
  /** Also match OS-owned language packages with their language ecosystem's advisories. */
  matchOwnedLanguagePackages?: boolean;
  /** Applied to the findings before filtering (suppressions, VEX): returns them with `suppression` set, and warnings. */
  suppress?: (findings: Finding[]) => { findings: Finding[]; warnings: string[] };
  toolVersion?: string;
  now?: Date;
}

export interface Scan {
  result: ScanResult;
  analysis: ImageAnalysis;
}

/** Analyses an image (or reads an SBOM with `sbom:PATH`) and matches its packages against the vulnerability database. */
export async function scanImage(reference: string, options: ScanOptions = {}): Promise<Scan> {
  const scanners = scannersOf(options);
  // the database is opened first: a missing one fails before minutes of image reading
  const db = scanners.includes('vuln') ? (options.db ?? openVulnDb(options.dbPath ?? defaultDbPath())) : undefined;
  try {
    const extraAnalyzers = scannerAnalyzers(scanners, options);
    const analyzeOptions: AnalyzeOptions = { ...options, ...(extraAnalyzers.length ? { extraAnalyzers } : {}) };
    // a daemon's verdicts depend on its signatures of the day: never reuse them from the layer cache
    if (options.clamd) {
      analyzeOptions.cacheDir = false;
      delete analyzeOptions.layerCache;
    }
    const analysis = await analyzeImage(reference, analyzeOptions);
    const result = scanAnalysis(analysis, db, { ...options, scanners });
    // reports that render the analysis (CycloneDX) see the same redacted image facts
    analysis.image = result.image;
    return { analysis, result };
  } finally {
    if (!options.db) db?.close();
  }
}

/**
 * The scanners a scan runs: as asked, else vuln, secret and config, plus malware when it has
 * signatures (the built-in EICAR test signature alone does not turn it on).
 */
export function scannersOf(options: Pick<ScanOptions, 'scanners' | 'malwareSignatures' | 'clamd'>): ScannerName[] {
  if (options.scanners?.length) return [...new Set(options.scanners)];
  const defaults: ScannerName[] = ['vuln', 'secret', 'config'];
  if (options.malwareSignatures?.length || options.clamd) defaults.push('malware');
  return defaults;
}

/** Matches an analysis already made. Pure apart from the database reads. */
export function scanAnalysis(analysis: ImageAnalysis, db: VulnDb | undefined, options: ScanOptions = {}): ScanResult {
  const now = options.now ?? new Date();
  const scanners = scannersOf(options);
  const imageDigest = analysis.image.manifestDigest ?? analysis.image.configDigest;
  const warnings = [...analysis.warnings];
  let findings: Finding[] = [];
  let packagesScanned = 0;
  let info: ScanResult['db'];
  if (scanners.includes('vuln')) {
    if (!db) throw new BulkheadError('INTERNAL', 'scan: the vuln scanner needs a vulnerability database');
    const matched = matchPackages(analysis.packages, analysis.os, db, {
      image: analysis.image.reference,
      ...(imageDigest ? { imageDigest } : {}),
      ...(options.matchOwnedLanguagePackages ? { matchOwnedLanguagePackages: true } : {}),
    });
    findings = matched.findings;
    packagesScanned = matched.packagesScanned;
    info = dbInfo(db, now);
    const maxAge = options.maxDbAgeDays ?? 7;
    if (maxAge > 0 && info.ageDays !== undefined && info.ageDays > maxAge) {
      warnings.push(`the vulnerability database is ${info.ageDays} days old (over ${maxAge}); run "bulkhead db update"`);
    }
  }
  findings.push(...scannerFindings(analysis, scanners, options, now));
  if (options.suppress) {
    const suppressed = options.suppress(findings);
    findings = suppressed.findings;
    warnings.push(...suppressed.warnings);
  }
  if (options.ignoreUnfixed) findings = findings.filter((f) => f.kind !== 'vulnerability' || f.vulnerability?.fixedVersion !== undefined);
  if (options.severities?.length) {
    const keep = new Set(options.severities);
    findings = findings.filter((f) => keep.has(f.severity));
  }
  findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.target.package?.name ?? '').localeCompare(b.target.package?.name ?? '') ||
      a.id.localeCompare(b.id),
  );
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppression) summary[f.severity]++;
  const result: ScanResult = {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version: options.toolVersion ?? '0.0.0' },
    createdAt: now.toISOString(),
    // the secret scanner's rules also redact what the report shows of the configuration
    image: scanners.includes('secret') ? redactScanSubject(analysis.image, findings, options) : analysis.image,
    packagesScanned,
    ...(info ? { db: info } : {}),
    findings,
    summary,
    options: {
      ...(options.severities?.length ? { severities: options.severities } : {}),
      ...(options.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
      ...(options.failOn ? { failOn: options.failOn } : {}),
      scanners,
    },
    warnings,
  };
  if (analysis.os) result.os = analysis.os;
  return result;
}

/** Active findings at or above `failOn` (the CI gate: any means exit 1). `unknown` never fails a gate. */
export function gateViolations(result: ScanResult, failOn: Severity): Finding[] {
  const limit = severityRank(failOn);
  return result.findings.filter((f) => !f.suppression && f.severity !== 'unknown' && severityRank(f.severity) <= limit);
}
