/**
 * An OSV mirror built from the real records in shared/data/osv: one `all.zip` per ecosystem, zipped
 * with the `zip` tool (Info-ZIP, Debian package `zip`) in OSV's export layout `<root>/<Ecosystem>/all.zip`,
 * served from 127.0.0.1 like the OSV bucket (ETag, Last-Modified, 304 on If-None-Match /
 * If-Modified-Since, optional `x-goog-hash: md5=`) or used in place as a file:// source. A switch cuts a
 * response mid-body (connection dropped) or stalls it (half sent, then silence) to test interruptions.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.js';
import { requireCommand, run } from './exec.js';

/** The shared OSV test records (`BULKHEAD_OSV_DATA` overrides), one folder per ecosystem. */
export function osvDataDir(): string {
  const dir = process.env.BULKHEAD_OSV_DATA ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'osv');
  if (!existsSync(dir)) throw new Error(`test harness: OSV test data not found at ${dir} (set BULKHEAD_OSV_DATA)`);
  return dir;
}

/** Ecosystem folders of a data directory that hold at least one `*.json` record. */
export function dataEcosystems(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => statSync(join(dataDir, name)).isDirectory() && readdirSync(join(dataDir, name)).some((f) => f.endsWith('.json')))
    .sort();
}

/** A writable copy of the data (to change, add or remove records for one test). */
export function copyOsvData(dataDir: string, dest: string): string {
  cpSync(dataDir, dest, { recursive: true, filter: (src) => statSync(src).isDirectory() || src.endsWith('.json') });
  // The shared data may be read-only; the copy is there to be changed.
  for (const entry of readdirSync(dest, { recursive: true, withFileTypes: true })) chmodSync(join(entry.parentPath ?? entry.path, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  chmodSync(dest, 0o755);
  return dest;
}

export interface ExpectedExport {
  /** Ids that must be stored: parseable JSON with an id and no `withdrawn`. */
  stored: Set<string>;
  withdrawn: Set<string>;
  /** File names that are not JSON at all. */
  unparseable: string[];
}

/** What an export of `dataDir/<ecosystem>` should leave in the database, computed from the files. */
export function expectedExport(dataDir: string, ecosystem: string): ExpectedExport {
  const out: ExpectedExport = { stored: new Set(), withdrawn: new Set(), unparseable: [] };
  for (const name of readdirSync(join(dataDir, ecosystem)).filter((f) => f.endsWith('.json'))) {
    let record: { id?: unknown; withdrawn?: unknown };
    try {
      record = JSON.parse(readFileSync(join(dataDir, ecosystem, name), 'utf8')) as typeof record;
    } catch {
      out.unparseable.push(name);
      continue;
    }
    if (typeof record.id !== 'string') continue;
    (record.withdrawn ? out.withdrawn : out.stored).add(record.id);
  }
  return out;
}

/** Zips each ecosystem folder of `dataDir` into `<outDir>/<Ecosystem>/all.zip` (one `zip` run each). */
export async function buildOsvExports(dataDir: string, outDir: string, ecosystems = dataEcosystems(dataDir)): Promise<string> {
  const zip = requireCommand('zip', 'zip', 'building OSV all.zip exports');
  for (const ecosystem of ecosystems) {
    const target = join(outDir, ecosystem, 'all.zip');
    mkdirSync(join(outDir, ecosystem), { recursive: true });
    rmSync(target, { force: true });
    const files = readdirSync(join(dataDir, ecosystem)).filter((f) => f.endsWith('.json')).sort();
    await run(zip, ['-q', '-X', '-D', target, '--', ...files], { cwd: join(dataDir, ecosystem) });
  }
  return outDir;
}

export type CutMode = 'truncate' | 'stall';

export interface OsvMirror {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  /** The same tree as a file:// URL. */
  fileUrl: string;
  root: string;
  requests: { path: string; status: number }[];
  /** Cut the next responses for `path` (e.g. `/npm/all.zip`) after half the body; `undefined` clears. */
  cut(path: string | undefined, mode?: CutMode): void;
  /** Resolves when a cut response has sent its half body. */
  cutReached(): Promise<void>;
  /** `x-goog-hash` answers: the real MD5, a wrong one, or none (default). */
  googHash: 'md5' | 'wrong-md5' | 'none';
  /** Stops the server and drops every open connection at once (a server dying mid-download). */
  close(): Promise<void>;
}

export async function serveOsvMirror(root: string): Promise<OsvMirror> {
  const sockets = new Set<Socket>();
  let cutPath: string | undefined;
  let cutMode: CutMode = 'truncate';
  let cutWaiters: (() => void)[] = [];
  const mirror: OsvMirror = {
    url: '',
    fileUrl: pathToFileURL(root).href,
    root,
    requests: [],
    googHash: 'none',
    cut(path, mode = 'truncate') {
      cutPath = path;
      cutMode = mode;
    },
    cutReached: () => new Promise((r) => cutWaiters.push(r)),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const answer = (req: IncomingMessage, res: ServerResponse, path: string, status: number) => {
    mirror.requests.push({ path, status });
    res.statusCode = status;
    if (status !== 200) res.end();
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(root, '.' + path);
    if (req.method !== 'GET' || !file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return answer(req, res, path, 404);
    const body = readFileSync(file);
    const mtime = statSync(file).mtime;
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    res.setHeader('etag', etag);
    res.setHeader('last-modified', mtime.toUTCString());
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    // RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
    if (inm !== undefined ? inm === etag : ims !== undefined && Math.floor(mtime.getTime() / 1000) <= Date.parse(ims) / 1000) return answer(req, res, path, 304);
    res.setHeader('content-length', body.length);
    res.setHeader('content-type', 'application/octet-stream');
    if (mirror.googHash !== 'none') {
      const md5 = createHash('md5').update(mirror.googHash === 'md5' ? body : Buffer.concat([body, Buffer.from('x')])).digest('base64');
      res.setHeader('x-goog-hash', `md5=${md5}`);
    }
    answer(req, res, path, 200);
    if (path !== cutPath) return void res.end(body);
    res.flushHeaders();
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
      const waiters = cutWaiters;
      cutWaiters = [];
      setTimeout(() => {
        for (const w of waiters) w();
        if (cutMode === 'truncate') req.socket.destroy();
      }, 50);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  mirror.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return mirror;
}
