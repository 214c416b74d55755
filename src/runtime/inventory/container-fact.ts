import type { EngineContainerInspect, EngineImageInspect, EngineMountPoint } from './engine-types.js';

/**
 * What the inventory knows about one container, as plain JSON: who it runs as, what it may do to the
 * host, and what bounds it. Built from the Engine API's inspect documents only; never holds the
 * container's environment or command (they may carry secrets), only the names and redacted text.
 */
export interface ContainerFact {
  id: string;
  /** Without the Engine's leading slash. */
  name: string;
  /** The reference the container was started from (`Config.Image`), else the image ID. */
  image: string;
  /** Image ID (`sha256:` of the image configuration). */
  imageId?: string;
  /** First `RepoDigests` entry (`name@sha256:...`) when the image came from a registry, else the image ID. */
  imageDigest?: string;
  state?: string;
  /** `Config.User` of the container (`""` = the image's default, normally root). */
  user: string;
  /** `Config.User` of the image, when the image was inspected. */
  imageUser?: string;
  /** Supplementary groups given with `--group-add`. */
  groupAdd: string[];
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  mounts: MountFact[];
  /** Namespaces shared with the host: `pid`, `ipc`, `network`, `uts`. */
  hostNamespaces: HostNamespace[];
  limits: ResourceLimits;
  readOnlyRootfs: boolean;
  /** Names of the environment variables the container sets beyond the image's (values never kept). */
  envNames: string[];
  startedAt?: string;
  /** Seconds since `startedAt`, at the time the fact was made. */
  ageSeconds?: number;
}

export type HostNamespace = 'pid' | 'ipc' | 'network' | 'uts';

export interface MountFact {
  type: string;
  source?: string;
  destination: string;
  readOnly: boolean;
  /** A bind mount: `source` is a path on the host. */
  hostPath: boolean;
  /** The bind mount is a container engine's API socket (docker.sock, containerd.sock...). */
  engineSocket: boolean;
}

export interface ResourceLimits {
  /** Bytes; absent = unlimited. */
  memoryBytes?: number;
  /** CPUs (from `NanoCpus`, or `CpuQuota / CpuPeriod`); absent = unlimited. */
  cpus?: number;
  /** `CpusetCpus`: pins to CPUs, does not bound the share of them. */
  cpusetCpus?: string;
  pidsLimit?: number;
}

/** Sockets whose holder controls the container engine, and with it the host. */
const ENGINE_SOCKET = /(?:^|\/)(?:docker|containerd|crio|podman|dockershim)\.sock$/u;

export function isEngineSocket(path: string): boolean {
  return ENGINE_SOCKET.test(path.replace(/\/+$/u, ''));
}

/** `/web` → `web`; falls back to the short ID. */
export function containerName(inspect: EngineContainerInspect): string {
  const name = (inspect.Name ?? '').replace(/^\//u, '');
  return name !== '' ? name : inspect.Id.slice(0, 12);
}

export function imageDigestOf(image: EngineImageInspect | undefined, fallbackId: string | undefined): string | undefined {
  const repoDigest = image?.RepoDigests?.find((d) => d.includes('@'));
  return repoDigest ?? image?.Id ?? fallbackId;
}

/** Environment entries the container adds or changes compared with the image's `Config.Env`. */
export function addedEnv(inspect: EngineContainerInspect, image: EngineImageInspect | undefined): string[] {
  const fromImage = new Set(image?.Config?.Env ?? []);
  return (inspect.Config?.Env ?? []).filter((entry) => !fromImage.has(entry));
}

function mountFact(m: EngineMountPoint): MountFact {
  const type = m.Type ?? 'bind';
  const hostPath = type === 'bind';
  return {
    type,
    ...(m.Source ? { source: m.Source } : {}),
    destination: m.Destination ?? '',
    readOnly: m.RW === false,
    hostPath,
    engineSocket: hostPath && (isEngineSocket(m.Source ?? '') || isEngineSocket(m.Destination ?? '')),
  };
}

function positive(n: number | null | undefined): number | undefined {
  return typeof n === 'number' && n > 0 ? n : undefined;
}

/** Limits as the Engine API reports them: 0 (and -1 for pids) mean "none". */
export function resourceLimits(inspect: EngineContainerInspect): ResourceLimits {
  const h = inspect.HostConfig ?? {};
  const nano = positive(h.NanoCpus);
  const quota = positive(h.CpuQuota);
  // `--cpu-quota` without `--cpu-period` uses the kernel's default period of 100 ms (CFS bandwidth control)
  const cpus = nano !== undefined ? nano / 1e9 : quota !== undefined ? quota / (positive(h.CpuPeriod) ?? 100_000) : undefined;
  const memoryBytes = positive(h.Memory);
  const pidsLimit = positive(h.PidsLimit);
  return {
    ...(memoryBytes !== undefined ? { memoryBytes } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(h.CpusetCpus ? { cpusetCpus: h.CpusetCpus } : {}),
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
  };
}

export function hostNamespaces(inspect: EngineContainerInspect): HostNamespace[] {
  const h = inspect.HostConfig ?? {};
  const out: HostNamespace[] = [];
  if (h.PidMode === 'host') out.push('pid');
  if (h.IpcMode === 'host') out.push('ipc');
  if (h.NetworkMode === 'host') out.push('network');
  if (h.UTSMode === 'host') out.push('uts');
  return out;
}

/** Docker and Podman report a never-started container's time as the zero time `0001-01-01T00:00:00Z`. */
function startTime(inspect: EngineContainerInspect): string | undefined {
  const at = inspect.State?.StartedAt;
  if (!at || at.startsWith('0001-')) return undefined;
  return at;
}

export function containerFact(inspect: EngineContainerInspect, image?: EngineImageInspect, now: number = Date.now()): ContainerFact {
  const h = inspect.HostConfig ?? {};
  const startedAt = startTime(inspect);
  const started = startedAt !== undefined ? Date.parse(startedAt) : NaN;
  const imageDigest = imageDigestOf(image, inspect.Image);
  return {
    id: inspect.Id,
    name: containerName(inspect),
    image: inspect.Config?.Image || inspect.Image || '',
    ...(inspect.Image ? { imageId: inspect.Image } : {}),
    ...(imageDigest !== undefined ? { imageDigest } : {}),
    ...(inspect.State?.Status ? { state: inspect.State.Status } : {}),
    user: inspect.Config?.User ?? '',
    ...(image ? { imageUser: image.Config?.User ?? '' } : {}),
    groupAdd: [...(h.GroupAdd ?? [])],
    privileged: h.Privileged === true,
    capAdd: [...(h.CapAdd ?? [])],
    capDrop: [...(h.CapDrop ?? [])],
    mounts: (inspect.Mounts ?? []).map(mountFact),
    hostNamespaces: hostNamespaces(inspect),
    limits: resourceLimits(inspect),
    readOnlyRootfs: h.ReadonlyRootfs === true,
    envNames: addedEnv(inspect, image).map((e) => e.split('=', 1)[0] ?? e),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(Number.isFinite(started) ? { ageSeconds: Math.max(0, Math.floor((now - started) / 1000)) } : {}),
  };
}

/** The runtime fact the inventory produces per container (the name the runtime design uses). */
export type RuntimeFact = ContainerFact;
