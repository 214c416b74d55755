/**
 * The CIS Docker Benchmark v1.6.0 host checks as data: each check names what it reads and how it is
 * judged; the engine (evaluate.ts) gathers the facts once and applies every check to them.
 */
import type { Severity } from '../../findings/types.js';

/** `warn` is the benchmark's failed recommendation; `info` an automated check with nothing to judge. */
export type Verdict = 'pass' | 'warn' | 'info' | 'manual';

/** A file's owner and mode as stat(2) reports them. */
export interface FileFact {
  path: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  /** Permission bits only (`mode & 0o7777`). */
  mode: number;
}

/** The parts of GET /info (Engine API "SystemInfo") the benchmark reads. */
export interface EngineInfo {
  Driver?: string;
  LoggingDriver?: string;
  DockerRootDir?: string;
  LiveRestoreEnabled?: boolean;
  SecurityOptions?: string[] | null;
  ExperimentalBuild?: boolean;
  Swarm?: { LocalNodeState?: string } | null;
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** GET /containers/{id}/json, the fields sections 4 and 5 read. */
export interface BenchContainer {
  Id: string;
  Name?: string;
  AppArmorProfile?: string;
  Config?: { User?: string; Image?: string; Healthcheck?: { Test?: string[] } | null };
  State?: { Health?: { Status?: string } | null };
  HostConfig?: {
    Privileged?: boolean;
    CapAdd?: string[] | null;
    SecurityOpt?: string[] | null;
    NetworkMode?: string;
    PidMode?: string;
    IpcMode?: string;
    UTSMode?: string;
    UsernsMode?: string;
    Memory?: number;
    CpuShares?: number;
    NanoCpus?: number;
    ReadonlyRootfs?: boolean;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    Devices?: unknown[] | null;
    Ulimits?: unknown[] | null;
    CgroupParent?: string;
    PidsLimit?: number | null;
  };
  Mounts?: Array<{ Type?: string; Source?: string; Destination?: string; RW?: boolean; Propagation?: string }> | null;
  NetworkSettings?: { Ports?: Record<string, PortBinding[] | null> | null };
  /** Process command lines from GET /containers/{id}/top (for 5.7, sshd). */
  processes?: string[];
}

/** GET /images/{id}/json, the fields section 4 reads. */
export interface BenchImage {
  Id: string;
  RepoTags?: string[] | null;
  Config?: { User?: string; Healthcheck?: { Test?: string[] } | null } | null;
}

/** Everything the checks read, gathered once (facts.ts). Absent values were not readable. */
export interface HostFacts {
  /** dockerd's argv (without argv[0]) from /proc, when a dockerd process is visible. */
  dockerdArgs?: string[];
  daemonConfigPath: string;
  /** daemon.json, parsed; undefined when the file does not exist. */
  daemonConfig?: Record<string, unknown>;
  info?: EngineInfo;
  /** stat of the files section 3 reads, keyed by path; a missing file has no entry. */
  files: Record<string, FileFact>;
  /** Resolved unit file paths (`docker.service`, `docker.socket`). */
  units: Record<string, string>;
  /** Files under /etc/docker/certs.d (3.7, 3.8). */
  registryCerts: FileFact[];
  containers: BenchContainer[];
  images: BenchImage[];
  /** `auditctl -l` output, undefined when auditctl is not installed. */
  auditRules?: string;
  /** docker info's DockerRootDir (the parent folder under userns-remap). */
  dockerRootDir?: string;
  /** Mount points from /proc/self/mounts. */
  mountPoints: string[];
}

/** One finding of a check: a container, image or file it is about, and why. */
export interface Observation {
  subject?: string;
  detail: string;
}

export interface Judgement {
  verdict: Verdict;
  /** What was read, one line. */
  evidence: string;
  /** The subjects that failed, for per-container findings. */
  failures?: Observation[];
}

export interface CheckDefinition {
  /** The CIS Docker Benchmark v1.6.0 recommendation number, e.g. `2.2`. */
  id: string;
  title: string;
  level: 1 | 2;
  /** The benchmark's assessment status: Automated or Manual. */
  automated: boolean;
  severity: Severity;
  /** What the check reads, for the report (a flag, a daemon.json key, a file, an inspect field). */
  reads: string;
  remediation: string;
  judge(facts: HostFacts): Judgement;
}

export interface CheckResult {
  id: string;
  section: number;
  title: string;
  level: 1 | 2;
  automated: boolean;
  severity: Severity;
  verdict: Verdict;
  evidence: string;
  reads: string;
  remediation: string;
  failures: Observation[];
}
