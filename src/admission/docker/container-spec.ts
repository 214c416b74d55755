import { capabilityName, type DeploymentFacts } from '../../policy/index.js';

/**
 * What a `POST /containers/create` body asks for (Engine API "ContainerCreate": Image, User,
 * HostConfig), split into the deployment facts the policy judges and the other security-relevant
 * settings the policy has no rule for yet (reported with each decision, not judged). CIS Docker
 * Benchmark v1.6 section 5 numbers are given where a setting maps to one.
 */
export interface ContainerSpec {
  image?: string;
  deployment: DeploymentFacts;
  /** Settings seen but not judged by any policy rule: `device /dev/sda (CIS 5.17)`. */
  unjudged: string[];
}

export function containerSpec(body: Record<string, unknown>): ContainerSpec {
  const host = record(body.HostConfig);
  const unjudged: string[] = [];
  const securityOpt = strings(host.SecurityOpt).map((o) => o.trim());
  const deployment: DeploymentFacts = {
    // the body is the whole request: a setting it leaves out is the Engine's default, so every fact is known
    capAdd: strings(host.CapAdd).map(capabilityName),
    mounts: bindMounts(host),
    readOnlyRootfs: host.ReadonlyRootfs === true,
    limits: {
      memory: positive(host.Memory) ? `${String(host.Memory)} bytes` : null,
      // a hard cap (--cpus, --cpu-quota); --cpu-shares is a relative weight, not a limit
      cpu: positive(host.NanoCpus) ? `${Number(host.NanoCpus) / 1e9} CPUs` : positive(host.CpuQuota) ? `quota ${String(host.CpuQuota)}µs per ${positive(host.CpuPeriod) ? String(host.CpuPeriod) : '100000'}µs` : null,
      // 0 and -1 both mean unlimited (Engine API HostConfig.PidsLimit)
      pids: positive(host.PidsLimit) ? String(host.PidsLimit) : null,
    },
    // `seccomp=unconfined` (docker CLI) and the older `seccomp:unconfined` form
    seccompUnconfined: securityOpt.some((o) => /^seccomp[=:]unconfined$/u.test(o)),
    apparmorUnconfined: securityOpt.some((o) => /^apparmor[=:]unconfined$/u.test(o)),
    // a daemon started with --no-new-privileges applies it to every container; the request cannot show that
    noNewPrivileges: securityOpt.some((o) => /^no-new-privileges(?:[=:]true)?$/u.test(o)),
  };
  if (host.Privileged === true) deployment.privileged = true;
  // namespace modes are `host` or `container:ID` (sharing another container's, not the host's)
  if (host.PidMode === 'host') deployment.hostPid = true;
  if (host.IpcMode === 'host') deployment.hostIpc = true;
  if (host.NetworkMode === 'host') deployment.hostNetwork = true;
  if (host.UTSMode === 'host') deployment.hostUts = true;
  // `User` is `user[:group]`; empty = the image's USER (Engine API ContainerConfig.User)
  if (typeof body.User === 'string' && body.User.trim() !== '') deployment.user = body.User;

  // judged by no policy rule yet: say so with each decision
  for (const dev of Array.isArray(host.Devices) ? host.Devices.map(record) : []) {
    if (typeof dev.PathOnHost === 'string') unjudged.push(`device ${dev.PathOnHost} (CIS 5.17)`);
  }

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
