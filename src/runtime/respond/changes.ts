import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { BulkheadError } from '../../errors.js';
import type { DaemonEndpoint } from '../../image/daemon-api.js';
import { containerFact, type ContainerFact } from '../inventory/container-fact.js';
import type { EngineContainerInspect, EngineImageInspect } from '../inventory/engine-types.js';
import { engineClient, statusError } from './engine-client.js';

/**
 * What changed in a container's file system since it was created, as `docker diff` shows it
 * (Engine API "ContainerChanges": `GET /containers/{id}/changes`, Kind 0 modified, 1 added,
 * 2 deleted). Whether a file is executable is read from the container's writable layer on the host
 * (overlay2's `GraphDriver.Data.UpperDir`), when the storage driver has one and it is readable here.
 */

export type ChangeKind = 'A' | 'C' | 'D';

export interface ContainerChange {
  /** Absolute path inside the container. */
  path: string;
  kind: ChangeKind;
  /** A regular file with an execute bit; absent when the writable layer could not be read. */
  executable?: boolean;
}

export interface ContainerChanges {
  container: ContainerFact;
  changes: ContainerChange[];
  /** The writable layer read for file modes, when there was one. */
  upperDir?: string;
}

const KINDS: Record<number, ChangeKind> = { 0: 'C', 1: 'A', 2: 'D' };

type InspectWithDriver = EngineContainerInspect & { GraphDriver?: { Name?: string; Data?: Record<string, string> | null } };

/** Whether the file at `path` in the writable layer is a regular file with an execute bit; undefined when unreadable. */
async function executableIn(upperDir: string, path: string): Promise<boolean | undefined> {
  try {
    const st = await lstat(join(upperDir, path));
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return undefined;
  }
}

export async function containerChanges(containerId: string, options: { socket?: string | DaemonEndpoint } = {}): Promise<ContainerChanges> {
  const engine = engineClient(options.socket);
  const inspectPath = `/containers/${encodeURIComponent(containerId)}/json`;
  const inspect = await engine.getJson<InspectWithDriver>(inspectPath);
  if (!inspect) throw new BulkheadError('INPUT_NOT_FOUND', `container ${containerId}: no such container at ${engine.endpoint.display}`, { input: containerId });
  const image = inspect.Image ? await engine.getJson<EngineImageInspect>(`/images/${encodeURIComponent(inspect.Image)}/json`) : undefined;
  const changesPath = `/containers/${encodeURIComponent(inspect.Id)}/changes`;
  const reply = await engine.request<{ Path?: string; Kind?: number }[] | null>('GET', changesPath);
  if (reply.status !== 200) throw statusError(engine.endpoint, 'GET', changesPath, reply);
  const upperDir = inspect.GraphDriver?.Data?.['UpperDir'];
  const changes: ContainerChange[] = [];
  for (const entry of reply.json ?? []) {
    const kind = KINDS[entry.Kind ?? -1];
    if (!kind || typeof entry.Path !== 'string') continue;
    const change: ContainerChange = { path: entry.Path, kind };
    if (upperDir && kind !== 'D') {
      const executable = await executableIn(upperDir, entry.Path);
      if (executable !== undefined) change.executable = executable;
    }
    changes.push(change);
  }
  return { container: containerFact(inspect, image), changes, ...(upperDir ? { upperDir } : {}) };
}
