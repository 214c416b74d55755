/**
 * Reference inventories of the fixture image, computed by the ecosystems' own tools from the image
 * itself, never written by hand:
 * - dpkg:   `dpkg-query -W` run inside the image;
 * - python: `importlib.metadata.distributions()` run by the image's python3;
 * - npm:    `npm ls --all --json --long` over /app (copied out of the image), plus every other
 *           package.json with a name and a version in the image (Debian's /usr/share/nodejs);
 * - java:   `unzip -p` of every META-INF/maven/<g>/<a>/pom.properties of every jar in the image;
 * - go:     `go version -m` over the image's file system;
 * - owners: `dpkg -S` inside the image for every language package's path;
 * - layers: `tar -t` of every layer of `docker save`, for layer attribution.
 */
import { readdirSync, readFileSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireCommand, run } from './exec.js';

export interface DpkgRef { name: string; version: string; sourceName: string; sourceVersion: string }
export interface LangRef { name: string; version: string; path: string; owner?: string }
export interface JavaRef { groupId: string; artifactId: string; version: string; path: string; owner?: string }
export interface GoBinaryRef {
  path: string;
  goVersion: string;
  mainPath: string;
  main?: { path: string; version: string };
  deps: { path: string; version: string }[];
}
export interface LayerRefInfo { index: number; diffId: string; createdBy: string; paths: string[] }

export interface FixtureReferences {
  image: string;
  imageId: string;
  dpkg: DpkgRef[];
  npm: { root: LangRef; app: LangRef[]; other: LangRef[]; removed: LangRef[] };
  python: LangRef[];
  java: JavaRef[];
  go: GoBinaryRef[];
  layers: LayerRefInfo[];
}

const PYTHON_SCRIPT = `import importlib.metadata as m, json
seen = {}
for d in m.distributions():
    p = str(d._path)
    seen[p] = {"name": d.metadata["Name"], "version": d.version, "path": p.lstrip("/")}
print(json.dumps(sorted(seen.values(), key=lambda x: x["path"])))`;

export async function dockerRunCapture(image: string, args: string[]): Promise<string> {
  return (await run('docker', ['run', '--rm', '--network', 'none', image, ...args])).stdout;
}

export async function computeDpkg(image: string): Promise<DpkgRef[]> {
  const out = await dockerRunCapture(image, [
    'dpkg-query', '-W', '-f', '${Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n',
  ]);
  return out.trim().split('\n').map((line) => {
    const [name = '', version = '', sourceName = '', sourceVersion = ''] = line.split('\t');
    return { name, version, sourceName, sourceVersion };
  });
}

export async function computePython(image: string): Promise<LangRef[]> {
  return JSON.parse(await dockerRunCapture(image, ['python3', '-c', PYTHON_SCRIPT])) as LangRef[];
}

interface NpmLsNode { name?: string; version?: string; path?: string; missing?: boolean; dependencies?: Record<string, NpmLsNode> }

/** Flattens `npm ls --all --json --long` into one entry per installed folder. */
export async function computeNpmApp(appDir: string, rootfs: string): Promise<{ root: LangRef; app: LangRef[] }> {
  const ls = await run('npm', ['ls', '--all', '--json', '--long'], { cwd: appDir });
  const tree = JSON.parse(ls.stdout) as NpmLsNode;
  const byPath = new Map<string, LangRef>();
  const walk = (node: NpmLsNode): void => {
    for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
      if (dep.missing || !dep.version || !dep.path) continue;
      const path = join(relative(rootfs, dep.path), 'package.json');
      byPath.set(path, { name: dep.name ?? name, version: dep.version, path });
      walk(dep);
    }
  };
  walk(tree);
  const root = { name: tree.name ?? '', version: tree.version ?? '', path: 'app/package.json' };
  return { root, app: [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path)) };
}

/** Every package.json with a name and version outside /app: Debian's node modules. */
export function computeNpmOther(rootfs: string): LangRef[] {
  const found: LangRef[] = [];
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        if (full === join(rootfs, 'app') || full === join(rootfs, 'proc') || full === join(rootfs, 'sys')) continue;
        visit(full);
      } else if (name === 'package.json' && st.isFile()) {
        try {
          const json = JSON.parse(readFileSync(full, 'utf8')) as { name?: unknown; version?: unknown };
          if (typeof json.name === 'string' && typeof json.version === 'string') {
            found.push({ name: json.name, version: json.version, path: relative(rootfs, full) });
          }
        } catch {
          // not JSON: not a package manifest
        }
      }
    }
  };
  visit(rootfs);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Maven coordinates from each jar's embedded pom.properties (Maven archiver's format). */
export async function computeJava(rootfs: string): Promise<JavaRef[]> {
  requireCommand('unzip', 'unzip', 'reading pom.properties of the fixture jars');
  const jars = (await run('find', [rootfs, '-type', 'f', '-name', '*.jar'])).stdout.trim().split('\n').filter(Boolean);
  const refs: JavaRef[] = [];
  for (const jar of jars.sort()) {
    const list = (await run('unzip', ['-Z1', jar])).stdout.split('\n');
    for (const entry of list.filter((e) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e))) {
      const props = parseProperties((await run('unzip', ['-p', jar, entry])).stdout);
      if (props.groupId && props.artifactId && props.version) {
        refs.push({ groupId: props.groupId, artifactId: props.artifactId, version: props.version, path: relative(rootfs, jar) });
      }
    }
  }
  return refs;
}

function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/** `go version -m` over the whole file system lists every Go binary and its build information. */
export async function computeGo(rootfs: string): Promise<GoBinaryRef[]> {
  requireCommand('go', 'golang-go', "reading Go build information with 'go version -m'");
  const out = (await run('go', ['version', '-m', rootfs])).stdout;
  const refs: GoBinaryRef[] = [];
  let current: GoBinaryRef | undefined;
  for (const line of out.split('\n')) {
    const head = /^(\/.*): (go\S+)$/.exec(line);
    if (head?.[1] && head[2]) {
      current = { path: relative(rootfs, head[1]), goVersion: head[2], mainPath: '', deps: [] };
      refs.push(current);
      continue;
    }
    const f = line.replace(/^\t/, '').split('\t');
    if (!current) continue;
    if (f[0] === 'path' && f[1]) current.mainPath = f[1];
    if (f[0] === 'mod' && f[1] && f[2]) current.main = { path: f[1], version: f[2] };
    if (f[0] === 'dep' && f[1] && f[2]) current.deps.push({ path: f[1], version: f[2] });
  }
  return refs;
}

/** `dpkg -S` inside the image: which deb package installed each path (undefined when none did). */
export async function computeOwners(image: string, paths: string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (paths.length === 0) return owners;
  const script = 'for p in "$@"; do o=$(dpkg -S "/$p" 2>/dev/null | head -n1 | cut -d: -f1); printf "%s\\t%s\\n" "$p" "$o"; done';
  const out = await dockerRunCapture(image, ['sh', '-c', script, 'owners', ...paths]);
  for (const line of out.split('\n')) {
    const [p, o] = line.split('\t');
    if (p && o) owners.set(p, o);
  }
  return owners;
}

/** Paths of each layer of a `docker save` archive, by `tar -t`, in manifest (base-first) order. */
export async function computeLayers(archive: string, work: string): Promise<LayerRefInfo[]> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await run('tar', ['-xf', archive, '-C', work, 'manifest.json']);
  const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as { Config: string; Layers: string[] }[];
  const entry = manifest[0];
  if (!entry) throw new Error(`${archive}: empty manifest.json`);
  await run('tar', ['-xf', archive, '-C', work, entry.Config]);
  const config = JSON.parse(readFileSync(join(work, entry.Config), 'utf8')) as {
    rootfs: { diff_ids: string[] };
    history: { created_by?: string; empty_layer?: boolean }[];
  };
  const history = config.history.filter((h) => !h.empty_layer);
  const layers: LayerRefInfo[] = [];
  for (const [index, layerPath] of entry.Layers.entries()) {
    await run('tar', ['-xf', archive, '-C', work, layerPath]);
    const list = (await run('tar', ['-tf', join(work, layerPath)])).stdout;
    rmSync(join(work, layerPath));
    layers.push({
      index,
      diffId: config.rootfs.diff_ids[index] ?? '',
      createdBy: history[index]?.created_by ?? '',
      paths: list.split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, '').replace(/\/$/, '')),
    });
  }
  rmSync(work, { recursive: true, force: true });
  return layers;
}
