import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/**
 * A loopback npm registry for tests, serving real packages already on this machine (npm's bundled
 * dependencies, the project's own node_modules), so `npm install` can build real trees and lockfiles
 * without leaving 127.0.0.1. It implements the two routes installs use (npm registry API,
 * "GET /{package}" packument and the tarball URL it names).
 */
export interface LocalRegistry {
  url: string;
  /** name → versions served. */
  versions: Map<string, string[]>;
  close(): Promise<void>;
}

interface PoolEntry {
  dir: string;
  manifest: Record<string, unknown>;
  tarball?: Buffer;
}

/** Collects package folders below each `node_modules` root, including nested trees. */
function collectPool(roots: string[]): Map<string, Map<string, PoolEntry>> {
  const pool = new Map<string, Map<string, PoolEntry>>();
  const visit = (nodeModules: string) => {
    let names: string[];
    try {
      names = readdirSync(nodeModules);
    } catch {
      return;
    }
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const dirs = n.startsWith('@') ? safeList(join(nodeModules, n)).map((s) => join(nodeModules, n, s)) : [join(nodeModules, n)];
      for (const dir of dirs) {
        try {
          const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
          if (typeof manifest.name === 'string' && typeof manifest.version === 'string') {
            let byVersion = pool.get(manifest.name);
            if (!byVersion) pool.set(manifest.name, (byVersion = new Map()));
            if (!byVersion.has(manifest.version)) byVersion.set(manifest.version, { dir, manifest });
          }
        } catch {
          // not a package folder
        }
        visit(join(dir, 'node_modules'));
      }
    }
  };
  for (const r of roots) visit(r);
  return pool;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Packs a folder the way `npm pack` lays it out: every file under `package/`, no node_modules. */
async function tarballOf(dir: string): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  const add = (rel: string) => {
    for (const n of safeList(join(dir, rel))) {
      const relPath = rel === '' ? n : `${rel}/${n}`;
      const st = statSync(join(dir, relPath), { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (n !== 'node_modules') add(relPath);
      } else if (st.isFile()) {
        p.entry({ name: `package/${relPath}`, mode: 0o644 }, readFileSync(join(dir, relPath)));
      }
    }
  };
  add('');
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export async function startLocalRegistry(roots: string[]): Promise<LocalRegistry> {
  const pool = collectPool(roots);
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
      if (path.startsWith('-/tarball/')) {
        const [name, version] = splitId(path.slice('-/tarball/'.length).replace(/\.tgz$/, ''));
        const entry = pool.get(name)?.get(version);
        if (!entry) return notFound(res);
        entry.tarball ??= await tarballOf(entry.dir);
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(entry.tarball);
      }
      const byVersion = pool.get(path);
      if (!byVersion) return notFound(res);
      const versions: Record<string, unknown> = {};
      let latest = '';
      for (const [version, entry] of byVersion) {
        entry.tarball ??= await tarballOf(entry.dir);
        const { scripts: _scripts, ...manifest } = entry.manifest;
        versions[version] = {
          ...manifest,
          _id: `${path}@${version}`,
          dist: {
            tarball: `${base}/-/tarball/${encodeURIComponent(`${path}@${version}`)}.tgz`,
            shasum: createHash('sha1').update(entry.tarball).digest('hex'),
            integrity: 'sha512-' + createHash('sha512').update(entry.tarball).digest('base64'),
          },
        };
        if (latest === '' || compareLoose(version, latest) > 0) latest = version;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: path, 'dist-tags': { latest }, versions }));
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const versions = new Map([...pool].map(([n, m]) => [n, [...m.keys()]]));
  return {
    url: base,
    versions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function notFound(res: import('node:http').ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
}

function splitId(id: string): [string, string] {
  const at = id.lastIndexOf('@');
  return [id.slice(0, at), id.slice(at + 1)];
}

/** Numeric comparison of dotted release versions; enough to pick `latest` among a few. */
function compareLoose(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
