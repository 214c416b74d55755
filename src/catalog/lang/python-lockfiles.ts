import type { FileAnalyzer, FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import { baseName, insideInstalledPackage, isRecord, parseJson, uniqueByNameVersion, type FoundPackage } from './common.js';

/**
 * Python lockfiles: `poetry.lock` and `uv.lock` (TOML, one `[[package]]` table per locked
 * distribution), `Pipfile.lock` (JSON, `default` and `develop` maps), and `requirements*.txt`
 * (pip's requirements file format; only exact `==` pins say which version is installed).
 */
export const PYTHON_LOCKFILE = 'python-lockfile';

export function isPythonLockfile(path: string): boolean {
  const base = baseName(path);
  if (base === 'poetry.lock' || base === 'uv.lock' || base === 'Pipfile.lock') return !insideInstalledPackage(path);
  return base.startsWith('requirements') && base.endsWith('.txt') && !insideInstalledPackage(path);
}

export const pythonLockfileAnalyzer: FileAnalyzer<{ packages: FoundPackage[] }> = {
  name: PYTHON_LOCKFILE,
  version: 1,
  maxBytes: LIMITS.maxMetadataBytes,
  wants: isPythonLockfile,
  analyze(file: FileContent): { packages: FoundPackage[] } | undefined {
    const base = baseName(file.path);
    const text = file.content.toString('utf8');
    let packages: FoundPackage[];
    if (base === 'Pipfile.lock') {
      const lock = parseJson(text, file.warn);
      if (!isRecord(lock)) return undefined;
      packages = parsePipfileLock(lock);
    } else if (base === 'poetry.lock' || base === 'uv.lock') {
      packages = parseTomlPackageTables(text);
    } else {
      packages = parseRequirements(text);
    }
    packages = uniqueByNameVersion(packages);
    return packages.length > 0 ? { packages } : undefined;
  },
};

function parsePipfileLock(lock: Record<string, unknown>): FoundPackage[] {
  const out: FoundPackage[] = [];
  for (const [section, dev] of [['default', false], ['develop', true]] as const) {
    const entries = lock[section];
    if (!isRecord(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      const spec = isRecord(entry) ? entry.version : undefined;
      if (typeof spec !== 'string' || !spec.startsWith('==')) continue;
      const found: FoundPackage = { name, version: spec.slice(2).trim() };
      if (dev) found.dev = true;
      out.push(found);
    }
  }
  return out;
}

/**
 * Reads the top-level keys of each `[[package]]` table. Both tools write these as single-line
 * `key = value` pairs at the start of a line, before any sub-table, so a full TOML parser is not
 * needed for the few keys used: name, version, category (poetry 1), groups (poetry 2), source (uv).
 */
export function parseTomlPackageTables(text: string): FoundPackage[] {
  const out: FoundPackage[] = [];
  let current: Record<string, string> | undefined;
  const flush = () => {
    if (current?.name && current.version && !isProjectItself(current.source)) {
      const found: FoundPackage = { name: current.name, version: current.version };
      if (current.category === '"dev"' || (current.groups !== undefined && !current.groups.includes('"main"'))) found.dev = true;
      out.push(found);
    }
    current = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('[')) {
      flush();
      if (line === '[[package]]') current = {};
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf(' = ');
    if (eq <= 0 || line[0] === ' ' || line[0] === '\t') continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 3).trim();
    if (key === 'name' || key === 'version') current[key] = unquoteToml(value);
    else if (key === 'category' || key === 'groups' || key === 'source') current[key] = value;
  }
  flush();
  return out;
}

/** uv records the project (and workspace members) as editable or virtual sources. */
function isProjectItself(source: string | undefined): boolean {
  return source !== undefined && (source.includes('editable =') || source.includes('virtual ='));
}

function unquoteToml(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") ? value.slice(1, -1) : value;
}

/**
 * pip requirements files: `name==1.2`, `name[extra]==1.2 ; marker`, `name == 1.2 \` followed by
 * `--hash` lines. Options (`-r`, `-e`, `--index-url`), URLs and ranges do not pin a version.
 */
export function parseRequirements(text: string): FoundPackage[] {
  const out: FoundPackage[] = [];
  for (const raw of text.split('\n')) {
    let line = raw;
    const hash = line.indexOf(' #');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line.endsWith('\\')) line = line.slice(0, -1).trim();
    if (line === '' || line.startsWith('#') || line.startsWith('-')) continue;
    const semicolon = line.indexOf(';');
    if (semicolon >= 0) line = line.slice(0, semicolon).trim();
    const option = line.indexOf(' --');
    if (option >= 0) line = line.slice(0, option).trim();
    const pin = line.indexOf('==');
    if (pin <= 0 || line[pin + 2] === '=') continue; // `===` is arbitrary equality, not a version
    let name = line.slice(0, pin).trim();
    const bracket = name.indexOf('[');
    if (bracket >= 0) name = name.slice(0, bracket).trim();
    const version = line.slice(pin + 2).trim();
    if (name === '' || version === '' || version.includes('*') || version.includes(',')) continue;
    out.push({ name, version });
  }
  return out;
}
