/**
 * One Finding model for everything Bulkhead reports: known vulnerabilities now; secrets, malware,
 * misconfiguration and runtime events use the same shape (kind-specific details in their own field).
 */

/** Ordered from worst to least; `unknown` when no source gives a severity. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type FindingKind = 'vulnerability' | 'secret' | 'malware' | 'misconfiguration' | 'runtime';

/** What a finding is about. Fields apply as the kind needs them. */
export interface FindingTarget {
  /** Image reference as scanned, and its manifest / config digests. */
  image?: string;
  imageDigest?: string;
  /** The layer that brought the package or file, and the history command that made it. */
  layerIndex?: number;
  layerDigest?: string;
  layerCreatedBy?: string;
  /** File inside the image (image-root relative, no leading slash), or a scanned file's path. */
  path?: string;
  /** 1-based line and column in `path`, when the finding points into a text file. */
  line?: number;
  column?: number;
  /** The affected package. */
  package?: FindingPackage;
  /** Runtime findings: the container. */
  container?: string;
}

export interface FindingPackage {
  /** `Package.id` of the analysis the finding came from. */
  id?: string;
  name: string;
  version: string;
  /** purl type: deb, npm, pypi... */
  type: string;
  purl?: string;
  /** OS packages: the source package and version the advisory data is keyed on. */
  sourceName?: string;
  sourceVersion?: string;
  /** Language package installed by the OS package manager. */
  ownedBy?: string;
}

/** A CVSS score as published by one source, with the score we computed from its vector. */
export interface CvssScore {
  /** `2.0`, `3.0`, `3.1`, `4.0`. */
  version: string;
  vector: string;
  /** Base score computed from the vector (CVSS v4: the CVSS-B / BTE score the vector allows). */
  score: number;
  severity: Severity;
  /** Who published the vector (`nvd`, `ghsa`, the OSV record id's database...). */
  source?: string;
}

export interface VulnerabilityDetails {
  /** Every id of the vulnerability: the finding's id first, then aliases (CVE, GHSA, DSA, ...). */
  ids: string[];
  /** OSV ecosystem and the advisory records it was matched with. */
  ecosystem: string;
  records: string[];
  /** Lowest version that fixes it on the installed line; absent = no fix yet. */
  fixedVersion?: string;
  /** All fixed versions the advisories name for this package, in version order. */
  fixedVersions: string[];
  /** Installed version is in `versions` or a range: which one matched, for explanation. */
  matchedBy: string;
  cvss: CvssScore[];
  /** Severity as the distribution rates it (`low`, `unimportant`, `important`...), raw. */
  distroSeverity?: string;
  /** CISA Known Exploited Vulnerabilities entry. */
  kev?: { dateAdded: string; dueDate?: string; knownRansomware?: boolean };
  /** FIRST EPSS probability and percentile (0..1). */
  epss?: { score: number; percentile: number; date?: string };
  published?: string;
  modified?: string;
  references: string[];
  /** Package is fixed in the distro but marked as not worth a security update. */
  distroStatus?: string;
}

export interface Suppression {
  /** `ignore`: .bulkheadignore.yaml rule; `vex`: a VEX statement. */
  kind: 'ignore' | 'vex';
  reason: string;
  /** File the rule or statement came from. */
  source: string;
  /** VEX status (`not_affected`, `fixed`, ...) or justification. */
  status?: string;
  justification?: string;
  /** ISO date the rule stops applying. */
  expires?: string;
}

export interface Finding {
  /** Stable id: CVE preferred, else the first alias in a fixed order (GHSA, distro, OSV id). */
  id: string;
  kind: FindingKind;
  severity: Severity;
  /** Where `severity` came from: `cvss:3.1:nvd`, `distro`, `ghsa`, `unknown`. */
  severitySource?: string;
  title: string;
  description?: string;
  target: FindingTarget;
  /** What to do about it, one sentence (`upgrade lodash to 4.17.21`). */
  remediation?: string;
  /** Kind-specific evidence as strings (secrets: rule, redacted match; malware: signature). */
  evidence?: Record<string, string>;
  vulnerability?: VulnerabilityDetails;
  /** Set when an ignore rule or VEX statement applies; suppressed findings stay in the result. */
  suppression?: Suppression;
}
