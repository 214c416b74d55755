import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BulkheadError } from '../errors.js';
import { silentReporter } from '../progress.js';
import { openDockerArchive } from './archive.js';
import { daemonEndpoint, daemonError, daemonGet, readBody, type DaemonEndpoint } from './daemon-api.js';
import { printable } from './layer-tar.js';
import { LIMITS } from './limits.js';
import type { OpenOptions } from './options.js';
import type { ImageSource } from './types.js';

interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
}

/**
 * `docker-daemon:NAME`: an image held by a Docker Engine. The engine exports images only as a
 * `docker save` stream (Engine API "Export an image", GET /images/{name}/get), which is spooled into a
 * private temporary directory and read as a docker-archive; close() removes it.
 */
export async function openDaemonImage(name: string, options: OpenOptions): Promise<ImageSource> {
  const endpoint = daemonEndpoint(options.dockerHost);
  const what = `docker-daemon:${name}`;
  await ping(endpoint, options.signal);
  const inspect = await inspectImage(endpoint, name, what, options.signal);

  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'bulkhead-daemon-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const archive = join(dir, 'image.tar');
    // Export by ID, not by name: the tag may move between the two requests.
    await spool(endpoint, `/images/${encodeURIComponent(inspect.Id)}/get`, archive, what, options);
    const source = await openDockerArchive(archive, undefined, { ...options });
    if (source.configDigest !== inspect.Id) {
      await source.close();
      throw new BulkheadError('DIGEST_MISMATCH', `${what}: the exported config is ${source.configDigest}, the daemon reported ${inspect.Id}`, { input: name });
    }
    const repoDigest = (inspect.RepoDigests ?? [])[0];
    const tag = (inspect.RepoTags ?? []).find((t) => t === name) ?? (inspect.RepoTags ?? [])[0];
    const manifestDigest = repoDigest !== undefined ? repoDigest.slice(repoDigest.indexOf('@') + 1) : source.manifestDigest;
    return {
      transport: 'docker-daemon',
      reference: what,
      ...(tag !== undefined ? { name: tag } : {}),
      ...(manifestDigest !== undefined ? { manifestDigest } : {}),
      configDigest: inspect.Id,
      config: source.config,
      layers: source.layers,
      cacheable: source.cacheable,
      entries: (layer, signal) => source.entries(layer, signal),
      close: async () => {
        await source.close();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function ping(endpoint: DaemonEndpoint, signal?: AbortSignal): Promise<void> {
  const res = await daemonGet(endpoint, '/_ping', signal);
  if (res.status !== 200) throw await daemonError(res, `Docker daemon at ${endpoint.display}`);
  res.body.resume();
}

async function inspectImage(endpoint: DaemonEndpoint, name: string, what: string, signal?: AbortSignal): Promise<ImageInspect> {
  // Image names contain '/' and ':'; the engine's route takes the rest of the path as the name.
  const res = await daemonGet(endpoint, `/images/${name.split('/').map(encodeURIComponent).join('/')}/json`, signal);
  if (res.status === 404) {
    res.body.resume();
    throw new BulkheadError('INPUT_NOT_FOUND', `${what}: image not found in the daemon at ${endpoint.display}`, { input: name });
  }
  if (res.status !== 200) throw await daemonError(res, what);
  const body = await readBody(res.body, LIMITS.maxDocumentBytes, what);
  let value: Partial<ImageInspect>;
  try {
    value = JSON.parse(body.toString('utf8')) as Partial<ImageInspect>;
  } catch (e) {
    throw new BulkheadError('DAEMON_ERROR', `${what}: the daemon's image description is not JSON`, { input: name, cause: e });
  }
  if (typeof value.Id !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(value.Id)) {
    throw new BulkheadError('DAEMON_ERROR', `${what}: the daemon's image description has no valid Id (${printable(String(value.Id))})`, { input: name });
  }
  return { Id: value.Id, RepoTags: Array.isArray(value.RepoTags) ? value.RepoTags : null, RepoDigests: Array.isArray(value.RepoDigests) ? value.RepoDigests : null };
}

async function spool(endpoint: DaemonEndpoint, path: string, file: string, what: string, options: OpenOptions): Promise<void> {
  const res = await daemonGet(endpoint, path, options.signal);
  if (res.status !== 200) throw await daemonError(res, what);
  const task = (options.reporter ?? silentReporter).task(`export ${what}`);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      task.advance(chunk.length);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res.body, counter, createWriteStream(file, { mode: 0o600 }), ...(options.signal ? [{ signal: options.signal }] : []));
  } catch (e) {
    if (options.signal?.aborted) throw e;
    throw new BulkheadError('DAEMON_ERROR', `${what}: exporting the image failed (${(e as Error).message})`, { input: what, cause: e });
  } finally {
    task.done();
  }
}
