import type { DeploymentFacts } from '../../policy/index.js';

/**
 * What a `POST /containers/create` body asks for (Engine API "ContainerCreate": Image, User,
 * HostConfig), split into the deployment facts the policy judges and the other security-relevant
 * settings the policy has no rule for yet (reported with each decision, not judged). CIS Docker
 * Benchmark v1.6 section 5 numbers are given where a setting maps to one.
 */
export interface ContainerSpec {
  image?: string;
  deployment: DeploymentFacts;
  /** Settings seen but not judged: `cap-add SYS_ADMIN (CIS 5.3)`, `seccomp=unconfined (CIS 5.21)`. */
  unjudged: string[];
}

/** Host paths whose bind mount gives the container the host (CIS 5.5). */
const SENSITIVE_HOST_PATHS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker', '/run', '/var/run'];

export function containerSpec(body: Record<string, unknown>): ContainerSpec {
  const host = record(body.HostConfig);
  const deployment: DeploymentFacts = {};
  const unjudged: string[] = [];
  if (host.Privileged === true) deployment.privileged = true;
  // namespace modes are `host` or `container:ID` (sharing another container's, not the host's)
  if (host.PidMode === 'host') deployment.hostPid = true;
  if (host.IpcMode === 'host') deployment.hostIpc = true;
  if (host.NetworkMode === 'host') deployment.hostNetwork = true;
  if (host.UTSMode === 'host') deployment.hostUts = true;
  const mounts = bindMounts(host);
  if (mounts.length) deployment.mounts = mounts;

  for (const cap of strings(host.CapAdd)) unjudged.push(`cap-add ${cap} (CIS 5.3)`);
  for (const m of mounts) {
    const path = m.source.replace(/\/+$/u, '') || '/';
    if (SENSITIVE_HOST_PATHS.some((s) => path === s)) unjudged.push(`bind mount of sensitive host path ${m.source} (CIS 5.5)`);
  }
  const user = typeof body.User === 'string' ? body.User : '';
  if (user === '' || user === '0' || user.startsWith('0:') || user === 'root' || user.startsWith('root:')) unjudged.push(`user ${user || '(image default)'} (CIS 4.1)`);
  if (host.ReadonlyRootfs !== true) unjudged.push('writable root filesystem (CIS 5.12)');
  if (!positive(host.Memory)) unjudged.push('no memory limit (CIS 5.10)');
  if (!positive(host.NanoCpus) && !positive(host.CpuQuota) && !positive(host.CpuShares)) unjudged.push('no CPU limit (CIS 5.11)');
  if (!positive(host.PidsLimit)) unjudged.push('no pids limit (CIS 5.29)');
  const securityOpt = strings(host.SecurityOpt);
  for (const opt of securityOpt) {
    const normal = opt.replace(':', '=');
    if (normal === 'seccomp=unconfined') unjudged.push('seccomp=unconfined (CIS 5.21)');
    if (normal === 'apparmor=unconfined') unjudged.push('apparmor=unconfined (CIS 5.1)');
  }
  if (!securityOpt.some((o) => /^no-new-privileges(?:[:=]true)?$/u.test(o))) unjudged.push('no-new-privileges not set (CIS 5.26)');

  const spec: ContainerSpec = { deployment, unjudged };
  if (typeof body.Image === 'string' && body.Image !== '') spec.image = body.Image;
  return spec;
}

/**
 * Host paths mounted into the container: `Binds` (`SRC:DST[:OPTS]`, SRC absolute for a host path,
 * a name for a volume) and `Mounts` of type bind. Named volumes are not host paths.
 */
function bindMounts(host: Record<string, unknown>): { source: string; target: string }[] {
  const out: { source: string; target: string }[] = [];
  for (const bind of strings(host.Binds)) {
    const [source, target] = bind.split(':');
    if (source?.startsWith('/')) out.push({ source, target: target ?? '' });
  }
  if (Array.isArray(host.Mounts)) {
    for (const m of host.Mounts.map(record)) {
      if (m.Type === 'bind' && typeof m.Source === 'string') out.push({ source: m.Source, target: typeof m.Target === 'string' ? m.Target : '' });
    }
  }
  return out;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function positive(v: unknown): boolean {
  return typeof v === 'number' && v > 0;
}
