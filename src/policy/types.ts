import type { Finding, FindingKind } from '../findings/index.js';
import type { RuleId } from './rule-ids.js';

/**
 * What a gate knows about one image (and, at admission or runtime, the container made from it).
 * Plain data: the CLI builds it from a scan (facts.ts), an admission webhook from a pod spec and a
 * stored scan, the runtime agent from `docker inspect`. A field left out means "not known here":
 * the rules that need it are reported as skipped with the reason, never passed.
 */
export interface PolicyFacts {
  image: ImagePolicyFacts;
  /** Findings of the scanners in `scanned`; suppressed ones (ignore file, VEX) carry `suppression`. */
  findings: Finding[];
  /** The finding kinds that were looked for. A finding rule whose kind is not here is skipped. */
  scanned?: FindingKind[];
  /** Installed packages; absent = unknown (package and license rules are skipped). */
  packages?: PackageFacts[];
  /**
   * Signatures the caller verified against the policy's requirement (trust module); absent = not
   * checked. An empty list means "checked, none found".
   */
  signatures?: SignatureFacts[];
  /** The container as it is (or is about to be) run; absent before deployment. */
  deployment?: DeploymentFacts;
  /** Why a fact is absent, shown as the reason of the rules skipped for it (`signatures: 'not available in CI'`). */
  absentBecause?: { signatures?: string; packages?: string; findings?: string; deployment?: string };
}

export interface ImagePolicyFacts {
  /** The reference as given (`registry.example.com/team/app:1.2`, `docker-archive:/x.tar`). */
  reference: string;
  /** Registry host and repository path; absent when the image has no registry name (an archive without a tag). */
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** ISO time the image was built (config `created`). */
  created?: string;
  /** Config `User` as written; `''` = not set (the container runs as root). Absent = no config known. */
  user?: string;
  /** The UID `user` maps to through the image's own `etc/passwd`, when it was resolved. */
  uid?: number;
  /** Config `Healthcheck.Test`; `null` = the config has none. Absent = no config known. */
  healthcheck?: string[] | null;
  labels: Record<string, string>;
}

export interface PackageFacts {
  name: string;
  version: string;
  /** purl type: deb, npm, pypi, maven... */
  type: string;
  purl?: string;
  /** Declared licenses, SPDX expressions where the package gives them. */
  licenses?: string[];
  /** Where it was found, for evidence. */
  path?: string;
}

export interface SignatureFacts {
  verified: boolean;
  /** The key (as the policy names it: its PEM path) that verified the signature. */
  keyId?: string;
  /** Keyless: the certificate's OIDC issuer and identity. */
  identity?: { issuer: string; subject: string };
  /** Why verification failed, or what was checked. */
  reason?: string;
}

export interface DeploymentFacts {
  /** Container or pod name, for evidence. */
  name?: string;
  privileged?: boolean;
  hostPid?: boolean;
  hostIpc?: boolean;
  hostNetwork?: boolean;
  hostUts?: boolean;
  /** Bind mounts and volumes: host path → container path. */
  mounts?: { source: string; target: string }[];
  /** ISO time the container started; absent when it has not started (admission). */
  startedAt?: string;
  /*
   * The fields below are "absent = not known here": a rule that needs one is skipped, with the reason
   * from `absentBecause` when the gate gives one (Kubernetes has no per-container pids limit).
   */
  /** Capabilities added beyond the runtime's default set (`NET_ADMIN`, `ALL`; `CAP_` prefix and case are ignored). */
  capAdd?: string[];
  /**
   * The user the container is told to run as, overriding the image's USER (`docker run --user`,
   * `securityContext.runAsUser`); absent = the image's USER applies.
   */
  user?: string;
  /** Kubernetes `runAsNonRoot: true`: the kubelet refuses to start the container as UID 0. */
  runAsNonRoot?: boolean;
  readOnlyRootfs?: boolean;
  /** Limits as set (`67108864 bytes`, `500m`), `null` = none set; a kind left out = not known here. */
  limits?: { memory?: string | null; cpu?: string | null; pids?: string | null };
  /** The seccomp / AppArmor profile is `unconfined` (explicitly, or because the container is privileged). */
  seccompUnconfined?: boolean;
  apparmorUnconfined?: boolean;
  /** `no-new-privileges` is set (Docker security option; Kubernetes `allowPrivilegeEscalation: false`). */
  noNewPrivileges?: boolean;
  /** Why a field above is absent, shown as the reason of the rule skipped for it. */
  absentBecause?: Partial<Record<'capAdd' | 'readOnlyRootfs' | 'memory' | 'cpu' | 'pids' | 'seccompUnconfined' | 'apparmorUnconfined' | 'noNewPrivileges', string>>;
}

export type RuleVerdict = 'pass' | 'fail' | 'skipped' | 'excepted';

export interface AppliedException {
  /** Index in the policy's `exceptions` list. */
  index: number;
  reason: string;
  owner: string;
  expires: string;
  /** Findings it excepted, when the exception names findings. */
  findings?: string[];
}

export interface RuleResult {
  id: RuleId;
  title: string;
  verdict: RuleVerdict;
  /** What was looked at, one line each: the violations, or why the rule passed or was skipped. */
  evidence: string[];
  exception?: AppliedException;
}

export interface PolicyResult {
  verdict: 'pass' | 'fail';
  rules: RuleResult[];
  /** Expired exceptions in scope, and other things to know (loud: shown before the verdict). */
  warnings: string[];
}
