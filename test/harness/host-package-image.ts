/**
 * Test images made of the host's own Debian packages: the named packages and everything their
 * Depends/Pre-Depends pull in (first installed alternative), copied file by file from the host as
 * `dpkg -L` lists them (its source, var/lib/dpkg/info/NAME.list, is read directly), with their
 * stanzas of /var/lib/dpkg/status and their .list files, on a merged-/usr root like the host's,
 * then `docker import`ed. `remove` builds the same image without some packages (and without what
 * only they pulled in), for "rebuild without what surface says is unused" tests.
 */
import { existsSync, lstatSync, readdirSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, chmodSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { requireCommand, run } from './exec.js';
import { ensureDocker } from './docker.js';

export interface HostPackageImage {
  tag: string;
  /** Packages in the image (closure of the request, minus removals), sorted. */
  packages: string[];
  /** `docker image inspect` Size, bytes. */
  sizeBytes: number;
}

interface HostPackage {
  name: string;
  arch: string;
  depends: string[][];
  provides: string[];
  stanza: string;
}

/** Every installed package of the host, from one read of /var/lib/dpkg/status. */
export function hostPackages(): Map<string, HostPackage> {
  requireCommand('dpkg-query', 'dpkg', 'the host package image');
  const out = new Map<string, HostPackage>();
  for (const stanza of readFileSync('/var/lib/dpkg/status', 'utf8').split(/\n\n+/)) {
    const field = (f: string) => new RegExp(`^${f}: (.*(?:\\n[ \\t].*)*)`, 'mi').exec(stanza)?.[1]?.replace(/\n[ \t]+/g, ' ');
    const name = field('Package');
    if (!name || !/ installed$/.test(field('Status') ?? '')) continue;
    const rel = (v: string | undefined) =>
      (v ?? '').split(',').map((g) => g.split('|').map((a) => a.trim().replace(/\s*\(.*?\)/g, '').split(':')[0]!.trim()).filter(Boolean)).filter((g) => g.length > 0);
    out.set(name, { name, arch: field('Architecture') ?? 'all', depends: [...rel(field('Pre-Depends')), ...rel(field('Depends'))], provides: rel(field('Provides')).flat(), stanza: stanza.trim() });
  }
  return out;
}

/** The request plus its dependencies; a removed package is never added back by a dependency. */
export function hostPackageClosure(names: readonly string[], remove: readonly string[] = []): string[] {
  const all = hostPackages();
  const providers = new Map<string, string[]>();
  for (const p of all.values()) for (const v of [p.name, ...p.provides]) providers.set(v, [...(providers.get(v) ?? []), p.name]);
  const removed = new Set(remove);
  const seen = new Set<string>();
  const queue = names.filter((n) => !removed.has(n));
  for (const n of queue) if (!all.has(n)) throw new Error(`test harness: package ${n} is not installed on this host (apt-get install -y ${n})`);
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const group of all.get(name)!.depends) {
      const candidates = group.flatMap((alt) => providers.get(alt) ?? []).filter((c) => !removed.has(c));
      if (candidates.some((c) => seen.has(c))) continue;
      if (candidates[0]) queue.push(candidates[0]);
    }
  }
  return [...seen].sort();
}

/** The host path as it sits on a merged-/usr root: its folder resolved, its own name kept (links stay links). */
function canonical(path: string): string | undefined {
  try {
    lstatSync(path);
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return undefined;
  }
}

export async function buildHostPackageImage(
  tag: string,
  options: { packages: readonly string[]; remove?: readonly string[]; cmd?: string[] },
): Promise<HostPackageImage> {
  await ensureDocker();
  requireCommand('tar', 'tar', 'the host package image');
  const all = hostPackages();
  const packages = hostPackageClosure(['base-files', ...options.packages], options.remove ?? []);
  const stage = mkdtempSync(join(tmpdir(), 'bulkhead-hostimg-'));
  try {
    const root = join(stage, 'root');
    const infoDir = join(root, 'var/lib/dpkg/info');
    mkdirSync(infoDir, { recursive: true });
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    for (const link of ['bin', 'sbin', 'lib', 'lib64']) {
      if (lstatSync(`/${link}`, { throwIfNoEntry: false })?.isSymbolicLink()) symlinkSync(realpathSync(`/${link}`).slice(1), join(root, link));
    }
    const paths = new Set<string>();
    for (const name of packages) {
      const pkg = all.get(name)!;
      const listName = [`${name}:${pkg.arch}.list`, `${name}.list`].find((n) => existsSync(join('/var/lib/dpkg/info', n)));
      if (!listName) continue;
      copyFileSync(join('/var/lib/dpkg/info', listName), join(infoDir, listName));
      for (const line of readFileSync(join('/var/lib/dpkg/info', listName), 'utf8').split('\n')) {
        if (line === '' || line === '/.') continue;
        const c = canonical(line);
        // the merged-/usr links are made above; never copy them as the host's directories
        if (c && !['/bin', '/sbin', '/lib', '/lib64'].includes(c)) paths.add(c.slice(1));
      }
    }
    writeFileSync(join(root, 'var/lib/dpkg/status'), packages.map((n) => all.get(n)!.stanza).join('\n\n') + '\n');
    writeFileSync(join(stage, 'files'), [...paths].sort().join('\n') + '\n');
    const tarFile = join(stage, 'image.tar');
    await run('tar', ['-C', '/', '--no-recursion', '-cf', tarFile, '-T', join(stage, 'files')]);
    // the staged entries, less the folders the host's lists already brought (a tar may hold a path once)
    const staged = stagedEntries(root).filter((e) => !paths.has(e));
    writeFileSync(join(stage, 'staged'), staged.join('\n') + '\n');
    await run('tar', ['-C', root, '--no-recursion', '-rf', tarFile, '-T', join(stage, 'staged')]);
    const cmd = JSON.stringify(options.cmd ?? ['/bin/sh']);
    await run('docker', ['import', '-c', `CMD ${cmd}`, tarFile, tag]);
    const size = await run('docker', ['image', 'inspect', '-f', '{{.Size}}', tag]);
    return { tag, packages, sizeBytes: Number(size.stdout.trim()) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function stagedEntries(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      out.push(relative(root, full));
      if (e.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}
