/**
 * Test fixture: an ImageAnalysis built from this machine's real package data, standing in for what
 * the analyser reports for an image (the orchestrator that produces real ones is built elsewhere).
 * Layer 0 holds the dpkg database (`dpkg-query -W`, licences from /usr/share/doc/<pkg>/copyright),
 * layer 1 the project's node_modules (`npm ls --all --json --long`), and the npm/Python packages that
 * Debian packages installed carry `ownedBy` from `dpkg -S`. Nothing here is invented except the
 * history commands and the image name.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PackageURL } from 'packageurl-js';
import type { ImageAnalysis, LayerFacts } from '../../catalog/analysis.js';
import type { OsRelease, Package } from '../../catalog/types.js';

const PROJECT = new URL('../../../', import.meta.url).pathname;

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, cwd, stdio: ['ignore', 'pipe', 'ignore'] });
}

function sha256File(path: string): string {
  return 'sha256:' + createHash('sha256').update(readFileSync(path)).digest('hex');
}

function hostOs(): OsRelease {
  const fields = new Map<string, string>();
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[3]!);
  }
  const os: OsRelease = { id: fields.get('ID') ?? 'unknown', family: 'debian', source: 'etc/os-release' };
  const set = (key: keyof OsRelease, field: string): void => {
    const v = fields.get(field);
    if (v !== undefined) (os as unknown as Record<string, unknown>)[key] = v;
  };
  set('versionId', 'VERSION_ID');
  set('versionCodename', 'VERSION_CODENAME');
  set('prettyName', 'PRETTY_NAME');
  set('name', 'NAME');
  const like = fields.get('ID_LIKE');
  if (like) os.idLike = like.split(/\s+/);
  return os;
}

/** Short licence names from a DEP-5 copyright file (`License: GPL-2+`), in order of appearance. */
function debLicenses(pkg: string): string[] {
  const path = `/usr/share/doc/${pkg}/copyright`;
  if (!existsSync(path)) return [];
  const found = new Set<string>();
  for (const m of readFileSync(path, 'utf8').matchAll(/^License:[ \t]*(\S[^\n]*)$/gm)) found.add(m[1]!.trim());
  return [...found].slice(0, 6);
}

/** Owning Debian package for each path, from `dpkg -S`. */
function owners(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  let text = '';
  try {
    text = run('dpkg', ['-S', ...paths]);
  } catch (e) {
    text = String((e as { stdout?: string }).stdout ?? '');
  }
  for (const line of text.split('\n')) {
    const m = /^([^:,\s]+)(?::[^:\s]+)?: (.+)$/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

interface NpmNode {
  name?: string;
  version?: string;
  path?: string;
  license?: string | { type?: string };
  integrity?: string;
  description?: string;
  dependencies?: Record<string, NpmNode>;
}

export function hostAnalysis(): ImageAnalysis {
  const os = hostOs();
  const layers: LayerFacts[] = [
    { index: 0, digest: sha256File('/var/lib/dpkg/status'), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', createdBy: `# debootstrap ${os.versionCodename ?? ''}`, files: 0, bytes: 0 },
    { index: 1, digest: sha256File(join(PROJECT, 'package-lock.json')), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', createdBy: 'RUN /bin/sh -c npm ci # buildkit', files: 0, bytes: 0 },
  ];
  const loc = (path: string, layer: LayerFacts) => ({ path, layerIndex: layer.index, layerDigest: layer.digest, layerCreatedBy: layer.createdBy! });
  const packages: Omit<Package, 'id'>[] = [];
  const debVersions = new Map<string, string>();

  const debFormat = '${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\t${db:Status-Abbrev}\\n';
  for (const line of run('dpkg-query', ['-W', '-f', debFormat]).split('\n')) {
    const [name, version, arch, srcName, srcVersion, status] = line.split('\t');
    if (!name || !version || !status?.startsWith('ii')) continue;
    debVersions.set(name, version);
    const epoch = /^(\d+):/.exec(version)?.[1];
    const qualifiers: Record<string, string> = { arch: arch!, distro: `${os.id}-${os.versionId ?? ''}` };
    const pkg: Omit<Package, 'id'> = {
      name, version, type: 'deb', cataloger: 'dpkg', architecture: arch!,
      purl: new PackageURL('deb', os.id, name, version, qualifiers).toString(),
      licenses: debLicenses(name),
      locations: [loc('var/lib/dpkg/status', layers[0]!)],
    };
    if (epoch !== undefined) pkg.epoch = Number(epoch);
    if (srcName && srcName !== name) pkg.sourceName = srcName;
    if (srcVersion && srcVersion !== version) pkg.sourceVersion = srcVersion;
    packages.push(pkg);
  }

  // npm packages that Debian's nodejs package ships
  const globalRoot = '/usr/lib/node_modules';
  const globalManifests = existsSync(globalRoot) ? readdirSync(globalRoot).map((d) => join(globalRoot, d, 'package.json')).filter(existsSync) : [];
  const globalOwners = owners(globalManifests);
  for (const manifest of globalManifests) {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as NpmNode;
    const owner = globalOwners.get(manifest);
    if (!json.name || !json.version) continue;
    const pkg: Omit<Package, 'id'> = npmPackage(json, manifest.slice(1), layers[0]!, loc);
    if (owner && debVersions.has(owner)) pkg.ownedBy = { type: 'deb', name: owner, version: debVersions.get(owner)! };
    packages.push(pkg);
  }

  // Python distributions Debian packages installed
  const dist = '/usr/lib/python3/dist-packages';
  const metas = existsSync(dist) ? readdirSync(dist).filter((d) => d.endsWith('.dist-info')).map((d) => join(dist, d, 'METADATA')).filter(existsSync) : [];
  const pyOwners = owners(metas);
  for (const meta of metas) {
    const text = readFileSync(meta, 'utf8').split('\n\n')[0] ?? '';
    const field = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(text)?.[1]?.trim();
    const name = field('Name');
    const version = field('Version');
    if (!name || !version) continue;
    const pkg: Omit<Package, 'id'> = {
      name, version, type: 'pypi', cataloger: 'python-installed',
      purl: new PackageURL('pypi', undefined, name.toLowerCase().replace(/[-_.]+/g, '-'), version).toString(),
      locations: [loc(meta.slice(1), layers[0]!)],
    };
    const license = field('License');
    if (license && license !== 'UNKNOWN') pkg.licenses = [license];
    const owner = pyOwners.get(meta);
    if (owner && debVersions.has(owner)) pkg.ownedBy = { type: 'deb', name: owner, version: debVersions.get(owner)! };
    packages.push(pkg);
  }

  // the project's own dependencies, as `npm ls` sees them
  const tree = JSON.parse(run('npm', ['ls', '--all', '--json', '--long'], PROJECT)) as NpmNode;
  const seen = new Set<string>();
  const walk = (node: NpmNode): void => {
    for (const child of Object.values(node.dependencies ?? {})) {
      if (child.path && child.name && child.version && !seen.has(child.path)) {
        seen.add(child.path);
        packages.push(npmPackage(child, join('app', relative(PROJECT, child.path), 'package.json'), layers[1]!, loc));
      }
      walk(child);
    }
  };
  walk(tree);

  const ids = new Map<string, number>();
  const withIds: Package[] = packages.map((p) => {
    const n = ids.get(p.purl) ?? 0;
    ids.set(p.purl, n + 1);
    return { ...p, id: n === 0 ? p.purl : `${p.purl}#${n}` };
  });
  const manifestDigest = 'sha256:' + createHash('sha256').update(layers.map((l) => l.digest).join('\n')).digest('hex');
  return {
    schemaVersion: 1,
    image: {
      reference: 'registry.example.test:5000/bulkhead/host-fixture:latest',
      transport: 'registry',
      name: 'registry.example.test:5000/bulkhead/host-fixture:latest',
      manifestDigest,
      configDigest: 'sha256:' + createHash('sha256').update(manifestDigest).digest('hex'),
      platform: { os: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch },
      created: new Date(0).toISOString(),
      labels: { 'org.opencontainers.image.title': 'host fixture', 'org.opencontainers.image.version': os.versionId ?? '' },
      layers,
    },
    os,
    packages: withIds,
    warnings: [],
  };
}

function npmPackage(node: NpmNode, path: string, layer: LayerFacts, loc: (path: string, layer: LayerFacts) => Package['locations'][number]): Omit<Package, 'id'> {
  const name = node.name!;
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const purl = new PackageURL('npm', slash > 0 ? name.slice(0, slash) : undefined, slash > 0 ? name.slice(slash + 1) : name, node.version).toString();
  const pkg: Omit<Package, 'id'> = { name, version: node.version!, type: 'npm', cataloger: 'npm-package-json', purl, locations: [loc(path, layer)] };
  const license = typeof node.license === 'string' ? node.license : node.license?.type;
  if (license) pkg.licenses = [license];
  if (node.description) pkg.description = node.description;
  const integrity = /^(sha\d+)-(.+)$/.exec(node.integrity ?? '');
  if (integrity) pkg.hashes = { [integrity[1]!]: Buffer.from(integrity[2]!, 'base64').toString('hex') };
  return pkg;
}
