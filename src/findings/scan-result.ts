import type { ImageFacts } from '../catalog/index.js';
import type { OsRelease } from '../catalog/index.js';
import type { Finding, Severity } from './types.js';

/**
 * What `bulkhead scan` produces and every report renders. The `json` format is this object;
 * `schemaVersion` is bumped on any incompatible change (README "Scan JSON").
 */
export interface ScanResult {
  schemaVersion: 1;
  tool: { name: 'bulkhead'; version: string };
  /** ISO time the scan finished. */
  createdAt: string;
  /** The scanned artefact: an image's facts, or for `sbom:` input the BOM's subject. */
  image: ImageFacts;
  os?: OsRelease;
  /** Packages looked up in the vulnerability database. */
  packagesScanned: number;
  db?: ScanDbInfo;
  /** Active and suppressed findings, worst first; a suppressed one has `suppression` set. */
  findings: Finding[];
  /** Counts of active (unsuppressed) findings by severity. */
  summary: Record<Severity, number>;
  /** Options that shaped the result (filters do not change `findings` counts silently). */
  options: { severities?: Severity[]; ignoreUnfixed?: boolean; failOn?: Severity; scanners?: ScannerName[] };
  warnings: string[];
}

/** What `bulkhead scan --scanners` can run. */
export const SCANNERS = ['vuln', 'secret', 'malware', 'config'] as const;
export type ScannerName = (typeof SCANNERS)[number];

export interface ScanDbInfo {
  path: string;
  /** ISO time of the last successful update. */
  updatedAt?: string;
  ageDays?: number;
  /** Records per OSV ecosystem. */
  ecosystems: Record<string, number>;
}
