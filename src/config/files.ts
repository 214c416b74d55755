import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BulkheadError } from '../errors.js';

export type ConfigFileKind = 'kubernetes' | 'dockerfile';

export interface ConfigFile {
  path: string;
  kind: ConfigFileKind;
}

/** Folders never worth walking: version control and installed dependencies. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform']);

/**
 * Docker and Podman build files: `Dockerfile`, `Containerfile`, `Dockerfile.<variant>`,
 * `<variant>.Dockerfile` (and the same for Containerfile), any letter case.
 */
export function isDockerfileName(name: string): boolean {
  return /^(dockerfile|containerfile)(\..+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name);
}

export function isManifestName(name: string): boolean {
  return /\.(ya?ml|json)$/i.test(name);
}

/**
 * The configuration files under `path`: the file itself when it is one (a file given by name is taken
 * even with another extension, as Kubernetes YAML), or every Dockerfile and YAML/JSON file in a
 * directory tree, in a stable (sorted) order. Symbolic links to directories are not followed, so a
 * link loop cannot make the walk endless.
 */
export async function findConfigFiles(path: string): Promise<ConfigFile[]> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BulkheadError(code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_INVALID', `${path}: cannot read (${code ?? String(e)})`, { input: path, cause: e });
  }
  if (info.isFile()) return [{ path, kind: isDockerfileName(basename(path)) ? 'dockerfile' : 'kubernetes' }];
  if (!info.isDirectory()) throw new BulkheadError('INPUT_INVALID', `${path}: not a file or directory`, { input: path });
  const out: ConfigFile[] = [];
  await walk(path, out);
  return out;
}

async function walk(dir: string, out: ConfigFile[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(full, out);
      continue;
    }
    // a symbolic link counts when it points at a regular file
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(full).then((s) => s.isFile(), () => false)));
    if (!isFile) continue;
    if (isDockerfileName(entry.name)) out.push({ path: full, kind: 'dockerfile' });
    else if (isManifestName(entry.name)) out.push({ path: full, kind: 'kubernetes' });
  }
}
