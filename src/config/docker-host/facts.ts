/**
 * Gathers, once, everything the checks read: dockerd's command line (/proc), daemon.json, GET /info,
 * file owners and modes, every running container's inspect and process list, the local images, the
 * audit rules and the mount table. Unreadable facts stay absent; the checks then say so.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BulkheadError } from '../../errors.js';
import { daemonError, daemonGet, readBody, type DaemonEndpoint } from '../../image/daemon-api.js';
import { AUDITED_PATHS, auditPath, section3Paths } from './checks/index.js';
import { commandLineValues } from './daemon-options.js';
import type { BenchContainer, BenchImage, EngineInfo, FileFact, HostFacts } from './types.js';

const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
const UNIT_FOLDERS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system', '/run/systemd/system'];

export interface GatherOptions {
  /** Only containers whose name, and images whose tag, contains one of these (like docker-bench-security -i). */
  include?: string[];
  /** Root of the host file system (tests); `/` by default. */
  root?: string;
}

async function getJson<T>(endpoint: DaemonEndpoint, path: string, what: string): Promise<T | undefined> {
  const res = await daemonGet(endpoint, path);
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

/** The dockerd serving `endpoint`: the one whose -H names its socket, else one with no -H (the default socket). */
async function dockerdArgs(endpoint: DaemonEndpoint): Promise<string[] | undefined> {
  const candidates: string[][] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/u.test(pid)) continue;
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() !== 'dockerd') continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter((a) => a !== '');
    candidates.push(argv.slice(1));
  }
  const hosts = (args: string[]) => commandLineValues(args, ['-H', '--host']);
  const socket = endpoint.socketPath;
  return (
    candidates.find((a) => socket !== undefined && hosts(a).some((h) => h === `unix://${socket}` || h === socket)) ??
    candidates.find((a) => hosts(a).length === 0 && (socket === undefined || socket === '/var/run/docker.sock' || socket === '/run/docker.sock')) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  );
}

const names = new Map<string, string>();
async function idName(file: string, id: number): Promise<string> {
  const key = `${file}:${id}`;
  if (!names.has(key)) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const line = text.split('\n').find((l) => l.split(':')[2] === String(id));
    names.set(key, line?.split(':')[0] ?? (id === 0 ? 'root' : String(id)));
  }
  return names.get(key)!;
}

async function fileFact(path: string): Promise<FileFact | undefined> {
  try {
    const s = await stat(path);
    return { path, uid: s.uid, gid: s.gid, owner: await idName('/etc/passwd', s.uid), group: await idName('/etc/group', s.gid), mode: s.mode & 0o7777 };
  } catch {
    return undefined;
  }
}

async function auditRules(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('auditctl', ['-l'], { timeout: 10_000 });
    return stdout;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return '';
    return readFile('/etc/audit/audit.rules', 'utf8').catch(() => undefined);
  }
}

async function findUnit(name: string): Promise<string | undefined> {
  for (const dir of UNIT_FOLDERS) if (await fileFact(join(dir, name))) return join(dir, name);
  return undefined;
}

const included = (include: string[] | undefined, values: string[]): boolean => !include?.length || values.some((v) => include.some((p) => v.includes(p)));

export async function gatherHostFacts(endpoint: DaemonEndpoint, options: GatherOptions = {}): Promise<HostFacts> {
  const info = await getJson<EngineInfo>(endpoint, '/info', `system info from ${endpoint.display}`);
  const args = await dockerdArgs(endpoint);
  const configFlag = commandLineValues(args ?? [], ['--config-file'])[0];
  const daemonConfigPath = configFlag ?? '/etc/docker/daemon.json';
  let daemonConfig: Record<string, unknown> | undefined;
  const text = await readFile(daemonConfigPath, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      daemonConfig = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new BulkheadError('INPUT_INVALID', `${daemonConfigPath}: not valid JSON`, { input: daemonConfigPath, cause: e });
    }
  }
  const units: Record<string, string> = {};
  for (const name of ['docker.service', 'docker.socket']) {
    const path = await findUnit(name);
    if (path) units[name] = path;
  }
  const base = { daemonConfigPath, units, ...(args ? { dockerdArgs: args } : {}), ...(daemonConfig ? { daemonConfig } : {}) };
  const paths = new Set([...section3Paths({ ...base, registryCerts: [], containers: [], images: [], mountPoints: [] }), ...AUDITED_PATHS.map(([, t]) => auditPath(base, t)).filter((p): p is string => p !== undefined)]);
  const files: Record<string, FileFact> = {};
  for (const path of paths) {
    const fact = await fileFact(path);
    if (fact) files[path] = fact;
  }
  const registryCerts: FileFact[] = [];
  for (const registry of await readdir('/etc/docker/certs.d').catch(() => [] as string[])) {
    for (const file of await readdir(join('/etc/docker/certs.d', registry)).catch(() => [] as string[])) {
      const fact = await fileFact(join('/etc/docker/certs.d', registry, file));
      if (fact) registryCerts.push(fact);
    }
  }
  const containers: BenchContainer[] = [];
  for (const summary of (await getJson<Array<{ Id: string; Names?: string[] }>>(endpoint, '/containers/json', 'container list')) ?? []) {
    if (!included(options.include, summary.Names ?? [])) continue;
    const inspect = await getJson<BenchContainer>(endpoint, `/containers/${encodeURIComponent(summary.Id)}/json`, `container ${summary.Id.slice(0, 12)}`);
    if (!inspect) continue;
    const top = await getJson<{ Titles?: string[]; Processes?: string[][] }>(endpoint, `/containers/${encodeURIComponent(summary.Id)}/top`, `processes of ${summary.Id.slice(0, 12)}`).catch(() => undefined);
    const cmd = top?.Titles?.findIndex((t) => t === 'CMD' || t === 'COMMAND') ?? -1;
    containers.push({ ...inspect, processes: (top?.Processes ?? []).map((p) => (cmd >= 0 ? p[cmd] ?? '' : p.join(' '))) });
  }
  const images: BenchImage[] = [];
  for (const summary of (await getJson<Array<{ Id: string; RepoTags?: string[] | null }>>(endpoint, '/images/json', 'image list')) ?? []) {
    if (!included(options.include, summary.RepoTags ?? [])) continue;
    const inspect = await getJson<BenchImage>(endpoint, `/images/${encodeURIComponent(summary.Id)}/json`, `image ${summary.Id}`);
    if (inspect) images.push(inspect);
  }
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const mountPoints = mounts.split('\n').map((l) => (l.split(' ')[1] ?? '').replace(/\\040/gu, ' ')).filter((p) => p !== '');
  const rules = await auditRules();
  // under userns-remap the data root is a subfolder (<root>/<uid>.<gid>) of the partition to check
  const root = info?.DockerRootDir && daemonConfig?.['userns-remap'] !== undefined ? join(info.DockerRootDir, '..') : info?.DockerRootDir;
  return { ...base, files, registryCerts, containers, images, mountPoints, ...(info ? { info } : {}), ...(rules !== undefined ? { auditRules: rules } : {}), ...(root ? { dockerRootDir: root } : {}) };
}
