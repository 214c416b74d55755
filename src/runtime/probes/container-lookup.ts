/**
 * Attributes a process to a Docker container. Two keys are used: the overlay mount's device number
 * (reported by the kernel probe, so it works even for a process already killed at exec), and the
 * container id found in `/proc/PID/cgroup` (cgroup v1 `.../docker/<id>` and v2
 * `.../docker-<id>.scope` paths). Container details come from the Engine API
 * (`GET /containers/json`, `GET /containers/{id}/json`, `GET /images/{id}/json`).
 */
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { BulkheadError } from '../../errors.js';
import { kernelDevFromStat } from './exec-program.js';

export interface ContainerInfo {
  id: string;
  name: string;
  /** The image as the container was created from it (tag or id). */
  image: string;
  /** Image config digest (`sha256:...`), or a repo digest when the image has one. */
  imageDigest: string;
  /** Image id (`sha256:...`, the config digest): the key of the image's usage record. */
  imageId?: string;
  /** Repo digests the engine knows for the image (`repo@sha256:...`). */
  repoDigests?: string[];
  /** Host pid of the container's first process. */
  pid: number;
  /** overlay2 writable layer on the host, when the storage driver is overlay2. */
  upperDir?: string;
  /** Kernel device number of the container's root file system. */
  rootDevice?: number;
  /** `Config.User` ('' = the image's default). */
  user: string;
  /** Real uid of the first process (host view), when readable. */
  uid?: number;
  /** ISO 8601 start time. */
  startedAt: string;
  labels: Record<string, string>;
}

/**
 * The repository part of an image reference, without registry host, tag, digest or Docker Hub's
 * `library/`: `docker.io/library/redis:7` and `redis@sha256:...` are both `redis`. Profiles, TTL and
 * database rules are keyed on it. An image id (`sha256:...`) stays as it is.
 */
export function imageNameOf(reference: string): string {
  if (/^sha256:[0-9a-f]{64}$/.test(reference) || /^[0-9a-f]{64}$/.test(reference)) return reference;
  let rest = reference.split('@')[0]!;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') rest = rest.slice(slash + 1);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) rest = rest.slice(0, colon);
  return rest.startsWith('library/') ? rest.slice('library/'.length) : rest;
}

/** Extracts a 64-hex Docker container id from the text of /proc/PID/cgroup (v1 or v2). */
export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    const match = /(?:docker[-/]|\/libpod-|cri-containerd-)([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path);
    if (match) return match[1];
  }
  return undefined;
}

export class ContainerLookup {
  private byId = new Map<string, ContainerInfo>();
  private byDevice = new Map<number, ContainerInfo>();

  constructor(private readonly socket = '/var/run/docker.sock') {}

  /** Reloads the running containers from the daemon. */
  async refresh(): Promise<void> {
    const list = (await this.get('/containers/json')) as Array<{ Id: string }>;
    const byId = new Map<string, ContainerInfo>();
    const byDevice = new Map<number, ContainerInfo>();
    for (const entry of list) {
      const info = await this.inspect(entry.Id);
      if (!info) continue;
      byId.set(info.id, info);
      if (info.rootDevice !== undefined) byDevice.set(info.rootDevice, info);
    }
    this.byId = byId;
    this.byDevice = byDevice;
  }

  /** A known container by full id. */
  byContainerId(id: string): ContainerInfo | undefined {
    return this.byId.get(id);
  }

  containers(): ContainerInfo[] {
    return [...this.byId.values()];
  }

  byRootDevice(device: number): ContainerInfo | undefined {
    return this.byDevice.get(device);
  }

  /** The container of a live process, from its cgroup path; undefined for host processes. */
  byPid(pid: number): ContainerInfo | undefined {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    } catch {
      return undefined; // already gone
    }
    const id = containerIdFromCgroup(text);
    return id === undefined ? undefined : this.byId.get(id);
  }

  private async inspect(id: string): Promise<ContainerInfo | undefined> {
    const c = (await this.get(`/containers/${id}/json`)) as {
      Id: string;
      Name: string;
      Image: string;
      Config?: { Image?: string; User?: string; Labels?: Record<string, string> | null };
      State?: { Pid?: number; StartedAt?: string };
      GraphDriver?: { Name?: string; Data?: { UpperDir?: string } };
    };
    const pid = c.State?.Pid ?? 0;
    if (pid <= 0) return undefined;
    const image = (await this.get(`/images/${c.Image}/json`).catch(() => undefined)) as
      | { RepoDigests?: string[] }
      | undefined;
    const repoDigest = image?.RepoDigests?.[0]?.split('@')[1];
    const info: ContainerInfo = {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      image: c.Config?.Image ?? c.Image,
      imageDigest: repoDigest ?? c.Image,
      imageId: c.Image,
      ...(image?.RepoDigests?.length ? { repoDigests: image.RepoDigests } : {}),
      pid,
      user: c.Config?.User ?? '',
      startedAt: c.State?.StartedAt ?? '',
      labels: c.Config?.Labels ?? {},
    };
    try {
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (uid !== undefined) info.uid = Number(uid);
    } catch {
      // gone
    }
    if (c.GraphDriver?.Name === 'overlay2' && c.GraphDriver.Data?.UpperDir) info.upperDir = c.GraphDriver.Data.UpperDir;
    try {
      info.rootDevice = kernelDevFromStat(statSync(`/proc/${pid}/root/`).dev);
    } catch {
      // the container stopped between list and inspect
    }
    return info;
  }

  private get(path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socket, path, method: 'GET', timeout: 10_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new BulkheadError('DAEMON_ERROR', `Docker Engine API ${path} answered ${res.statusCode}`, { input: path }));
            return;
          }
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new BulkheadError('DAEMON_ERROR', `Docker Engine API ${path} sent invalid JSON`, { input: path, cause: e }));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) =>
        reject(new BulkheadError('DAEMON_UNAVAILABLE', `Docker daemon at ${this.socket}: ${e.message}`, { input: this.socket, cause: e })),
      );
      req.end();
    });
  }
}
