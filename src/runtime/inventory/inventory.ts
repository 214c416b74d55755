import { BulkheadError } from '../../errors.js';
import type { Finding } from '../../findings/types.js';
import { daemonError, daemonGet, readBody, type DaemonEndpoint } from '../../image/daemon-api.js';
import { inspectContainer, type ContainerCheckOptions } from './container-findings.js';
import type { ContainerFact } from './container-fact.js';
import type { EngineContainerInspect, EngineContainerSummary, EngineImageInspect } from './engine-types.js';

/** Inspect documents are small; a daemon answering more is not one we trust. */
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export interface InventoryOptions extends ContainerCheckOptions {
  /** Also stopped containers (`all=true`); the inventory is of running ones by default. */
  all?: boolean;
  signal?: AbortSignal;
}

export interface ContainerInventory {
  containers: ContainerFact[];
  findings: Finding[];
}

async function getJson<T>(endpoint: DaemonEndpoint, path: string, what: string, signal?: AbortSignal): Promise<T | undefined> {
  const res = await daemonGet(endpoint, path, signal);
  if (res.status === 404) {
    res.body.resume();
    return undefined;
  }
  if (res.status !== 200) throw await daemonError(res, what);
  const body = await readBody(res.body, MAX_DOCUMENT_BYTES, what);
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (e) {
    throw new BulkheadError('DAEMON_ERROR', `${what}: the Docker daemon's answer is not JSON`, { input: what, cause: e });
  }
}

/** GET /containers/json (Engine API "ContainerList"): running containers, or all with `all`. */
export async function listContainers(endpoint: DaemonEndpoint, options: { all?: boolean; signal?: AbortSignal } = {}): Promise<EngineContainerSummary[]> {
  const what = `container list from ${endpoint.display}`;
  const list = await getJson<EngineContainerSummary[]>(endpoint, `/containers/json${options.all ? '?all=true' : ''}`, what, options.signal);
  if (!Array.isArray(list)) throw new BulkheadError('DAEMON_ERROR', `${what}: the Docker daemon did not answer with a list`, { input: what });
  return list;
}

/**
 * Inspects every listed container and its image, and checks each. A container that is gone between
 * the list and its inspection is left out (containers come and go); an image that cannot be
 * inspected (removed while in use) only loses the image-based checks.
 */
export async function inspectInventory(endpoint: DaemonEndpoint, options: InventoryOptions = {}): Promise<ContainerInventory> {
  const list = await listContainers(endpoint, options);
  const images = new Map<string, Promise<EngineImageInspect | undefined>>();
  const containers: ContainerFact[] = [];
  const findings: Finding[] = [];
  for (const summary of list) {
    const inspect = await getJson<EngineContainerInspect>(endpoint, `/containers/${encodeURIComponent(summary.Id)}/json`, `container ${summary.Id.slice(0, 12)}`, options.signal);
    if (inspect === undefined) continue;
    const imageId = inspect.Image ?? summary.ImageID;
    let image: Promise<EngineImageInspect | undefined> | undefined;
    if (imageId) {
      image = images.get(imageId);
      if (!image) {
        image = getJson<EngineImageInspect>(endpoint, `/images/${encodeURIComponent(imageId)}/json`, `image ${imageId}`, options.signal);
        images.set(imageId, image);
      }
    }
    const result = inspectContainer(inspect, image ? await image : undefined, options);
    containers.push(result.container);
    findings.push(...result.findings);
  }
  return { containers, findings };
}
