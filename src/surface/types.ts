import type { ImageAnalysis } from '../catalog/index.js';
import type { ScanResult } from '../findings/index.js';
import type { UsageRecord } from '../runtime/usage/types.js';

/** What `analyzeSurface` joins: the image as analysed, what its containers used, and its scan. */
export interface SurfaceInput {
  /** The image analysis; its `files` (the final file system) is required. */
  analysis: ImageAnalysis;
  usage: UsageRecord;
  /** The image's scan, for the vulnerability split (optional). */
  scan?: ScanResult;
  /** Text of the image's `var/lib/dpkg/status` (dependencies, Essential, Priority); see readImageFile. */
  dpkgStatus?: string;
  options?: SurfaceOptions;
}

export interface SurfaceOptions {
  /** An observation window shorter than this many seconds is warned about (default 600). */
  minWindowSeconds?: number;
  /** When the report and the VEX document are made (default now). */
  now?: Date;
  toolVersion?: string;
}

/** Whether dropping an unused package is advised. */
export type Removal =
  /** No used package depends on it, and it is not Essential or required. */
  | 'safe'
  /** A used package depends on it (Depends / Pre-Depends, directly or through others). */
  | 'needed'
  /** Essential: yes or Priority: required: dpkg and apt refuse or warn; leave to a base-image change. */
  | 'essential'
  /** No dependency data for this kind of package: check by hand. */
  | 'unchecked';

export interface PackageUsage {
  id: string;
  name: string;
  version: string;
  type: string;
  purl: string;
  /** Image paths (resolved) the package owns that were used, a few for evidence. */
  usedPaths: string[];
  /** Regular files the package owns in the final image and their bytes (files owned by another package too are not counted). */
  files: number;
  sizeBytes: number;
}

export interface UnusedPackage extends Omit<PackageUsage, 'usedPaths'> {
  removal: Removal;
  /** For `needed`: the used packages that pull it in. */
  neededBy?: string[];
  /** One sentence: why it is or is not safe to remove. */
  reason: string;
}

export interface UnusedTool {
  /** The binary's resolved image path (no leading slash), and the names that lead to it (`bin/sh`). */
  path: string;
  names: string[];
  class: string;
  reason: string;
  /** The package that owns it, when known. */
  package?: string;
}

export interface CapabilityAdvice {
  /** False when the agent did not record capability checks: no advice can be given. */
  recorded: boolean;
  exercised: string[];
  /** Exercised capabilities outside Docker's default set (the container had extra grants). */
  beyondDefault: string[];
  /** Docker's default capabilities never exercised. */
  unusedDefault: string[];
  dockerFlags: string[];
  /** A Kubernetes container `securityContext` (YAML). */
  kubernetes: string;
  notes: string[];
}

/** OCI runtime-spec config-linux.md "Seccomp"; the format Docker's `--security-opt seccomp=FILE` reads. */
export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ERRNO';
  defaultErrnoRet: number;
  architectures: string[];
  syscalls: Array<{ names: string[]; action: 'SCMP_ACT_ALLOW' }>;
}

export interface VulnerabilityUse {
  id: string;
  severity: string;
  package: string;
  version: string;
  purl?: string;
  /** `ran`: the package's code was used; `not-loaded`: never used in the window. */
  use: 'ran' | 'not-loaded';
}

export interface Coverage {
  image: string;
  imageId: string;
  firstSeen: string;
  lastSeen: string;
  observedSeconds: number;
  containers: number;
  probe: string;
  syscalls: boolean;
  capabilities: boolean;
  fileReads: boolean;
  minWindowSeconds: number;
  /** Used paths that exist in the image, and those that do not (volumes, /proc, deleted files). */
  pathsInImage: number;
  pathsOutsideImage: number;
}

export interface SurfaceReport {
  schemaVersion: 1;
  createdAt: string;
  coverage: Coverage;
  /** Why the observation may not be enough to act on. */
  warnings: string[];
  totals: { packages: number; used: number; unused: number; imageBytes: number; removableBytes: number };
  used: PackageUsage[];
  unused: UnusedPackage[];
  tools: UnusedTool[];
  capabilities: CapabilityAdvice;
  seccomp?: SeccompProfile;
  vulnerabilities?: { ran: VulnerabilityUse[]; notLoaded: VulnerabilityUse[] };
  dockerfile: string[];
}
