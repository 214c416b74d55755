/**
 * The parts of the Docker Engine API documents the inventory reads (Engine API reference:
 * `ContainerSummary` of GET /containers/json, `ContainerInspectResponse` of GET /containers/{id}/json,
 * `ImageInspect` of GET /images/{id}/json). Every field is optional: daemons of different versions
 * omit zero values, and Podman's Docker-compatible API fills fewer of them.
 */

export interface EngineContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  State?: string;
  Status?: string;
  Created?: number;
}

export interface EngineMountPoint {
  /** `bind`, `volume`, `tmpfs`, `npipe`, `cluster`, `image`. */
  Type?: string;
  Name?: string;
  /** Host path for binds; the volume's data folder for volumes. */
  Source?: string;
  Destination?: string;
  Mode?: string;
  RW?: boolean;
  Propagation?: string;
}

export interface EngineHostConfig {
  Privileged?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Binds?: string[] | null;
  PidMode?: string;
  IpcMode?: string;
  NetworkMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  GroupAdd?: string[] | null;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpuShares?: number;
  CpusetCpus?: string;
  /** `null` or 0 / -1: unlimited. */
  PidsLimit?: number | null;
}

export interface EngineContainerConfig {
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  /** The image reference as the user gave it to `docker run`. */
  Image?: string;
  Labels?: Record<string, string> | null;
}

export interface EngineContainerState {
  Status?: string;
  Running?: boolean;
  Pid?: number;
  StartedAt?: string;
  FinishedAt?: string;
}

export interface EngineContainerInspect {
  Id: string;
  /** With a leading slash (`/web`). */
  Name?: string;
  Created?: string;
  Path?: string;
  Args?: string[] | null;
  State?: EngineContainerState;
  /** The image ID (`sha256:...`). */
  Image?: string;
  Config?: EngineContainerConfig;
  HostConfig?: EngineHostConfig;
  Mounts?: EngineMountPoint[] | null;
}

export interface EngineImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  /** `name@sha256:...`, one per repository the image was pulled from or pushed to. */
  RepoDigests?: string[] | null;
  Config?: { User?: string; Env?: string[] | null; Cmd?: string[] | null; Entrypoint?: string[] | null } | null;
}
