import { SEVERITIES, type Finding, type Severity } from '../findings/types.js';
import type { ScanResult } from '../findings/scan-result.js';

/**
 * Small views of a finding that several report formats show the same way, so a table, a PR comment
 * and an HTML page agree on what "fixed", "layer" and "fails the gate" mean.
 */

/** 0 for critical, growing towards unknown. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Worst first, then package name, then id; a copy, the input keeps its order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.target.package?.name ?? '').localeCompare(b.target.package?.name ?? '') ||
      a.id.localeCompare(b.id),
  );
}

export function activeFindings(result: ScanResult): Finding[] {
  return sortFindings(result.findings.filter((f) => !f.suppression));
}

export function suppressedFindings(result: ScanResult): Finding[] {
  return sortFindings(result.findings.filter((f) => f.suppression));
}

/** The first other id a user might search for (GHSA for a CVE, CVE for a distro id). */
export function firstAlias(f: Finding): string | undefined {
  return f.vulnerability?.ids.find((id) => id !== f.id);
}

export const NO_FIX = 'no fix yet';

/** The fixed version of a vulnerability, `no fix yet`, or '' for findings that are not about versions. */
export function fixedLabel(f: Finding): string {
  if (f.kind !== 'vulnerability') return '';
  return f.vulnerability?.fixedVersion ?? NO_FIX;
}

/** `sha256:0123…` → the first 12 hex digits, as `docker images` shows image ids. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** `#3 0123456789ab`, or '' when the finding has no layer facts (SBOM input, runtime findings). */
export function layerLabel(f: Finding): string {
  const { layerIndex, layerDigest } = f.target;
  if (layerIndex === undefined && !layerDigest) return '';
  return [layerIndex === undefined ? '' : `#${layerIndex}`, shortDigest(layerDigest)].filter(Boolean).join(' ');
}

/** The history line of the layer without the `/bin/sh -c #(nop) ` noise Docker's builder adds. */
export function createdByLabel(f: Finding): string {
  const raw = f.target.layerCreatedBy ?? '';
  return raw.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^(RUN )?\/bin\/sh -c /, 'RUN ').trim();
}

export function packageLabel(f: Finding): string {
  return f.target.package?.name ?? f.target.path ?? f.target.image ?? '';
}

/** Highest CVSS base score any source gives, if any. */
export function bestScore(f: Finding): number | undefined {
  const scores = (f.vulnerability?.cvss ?? []).map((c) => c.score).filter((s) => Number.isFinite(s));
  return scores.length === 0 ? undefined : Math.max(...scores);
}

/**
 * Whether an active finding fails the gate: at or above `options.failOn`, or any active finding when
 * the scan had no gate (JUnit then reports every finding as a failed test). `unknown` never fails a
 * set gate, as in the CLI's exit code.
 */
export function failsGate(f: Finding, failOn: Severity | undefined): boolean {
  if (f.suppression) return false;
  if (failOn === undefined) return true;
  return f.severity !== 'unknown' && severityRank(f.severity) <= severityRank(failOn);
}

/** Counts of active findings by severity, in SEVERITIES order (recomputed, not trusted from input). */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppression) counts[f.severity]++;
  return counts;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
