/**
 * Shapes shared by the CVSS parsers and calculators. Metric and value names are the abbreviations
 * the FIRST specifications use in vector strings (`AV`, `N`, `Clear`...), case-sensitive.
 */
import type { Severity } from '../types.js';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

/** One metric a version defines: its abbreviation, allowed values, and whether a vector must carry it. */
export interface MetricDefinition {
  readonly name: string;
  readonly values: readonly string[];
  readonly mandatory: boolean;
}

/** A vector that passed validation: every metric is known, every value allowed, no duplicates. */
export interface ParsedCvss {
  version: CvssVersion;
  /** The vector as given, trimmed (CVSS v2 also without the surrounding parentheses). */
  vector: string;
  /** Metric abbreviation → value abbreviation, exactly as written (`X` / `ND` kept). */
  metrics: Readonly<Record<string, string>>;
}

export interface CvssResult {
  version: CvssVersion;
  /** One decimal, 0.0 to 10.0. */
  score: number;
  severity: Severity;
}
