import { lazyModule } from '../../lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');
const parseYaml = (text: string): unknown => yaml().parse(text);
import { isRecord, stringField, type FoundPackage } from './common.js';

/**
 * `yarn.lock`. Yarn classic (v1) writes its own format (not YAML): unindented lines list the
 * requested specs (`"a@^1", a@^1.2:`) and an indented `version "1.2.3"` line follows. Yarn berry
 * (v2+) writes YAML with a `__metadata` entry and `resolution: "name@npm:1.2.3"` per package.
 */
export function parseYarnLock(text: string): FoundPackage[] {
  return text.includes('\n__metadata:') || text.startsWith('__metadata:') ? parseBerry(text) : parseClassic(text);
}

function parseClassic(text: string): FoundPackage[] {
  const out: FoundPackage[] = [];
  let name: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line[0] !== ' ') {
      // header: the first requested spec names the package
      const first = line.split(',')[0]!.trim().replace(/:$/, '');
      const spec = unquote(first);
      name = specName(spec);
      // an alias (`alias@npm:real@^1`) installs the real package
      const range = spec.slice(name.length + 1);
      if (range.startsWith('npm:')) name = specName(range.slice(4));
      continue;
    }
    if (name !== undefined && line.startsWith('  version ')) {
      const version = unquote(line.slice('  version '.length).trim());
      if (version !== '') out.push({ name, version });
      name = undefined;
    }
  }
  return out;
}

function parseBerry(text: string): FoundPackage[] {
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc)) return [];
  const out: FoundPackage[] = [];
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(entry)) continue;
    const resolution = stringField(entry.resolution);
    const version = stringField(entry.version) ?? (typeof entry.version === 'number' ? String(entry.version) : undefined);
    if (resolution === undefined || version === undefined) continue;
    // only registry packages: workspaces (`@workspace:`), links, patches and git sources are not
    const marker = resolution.indexOf('@npm:', 1);
    if (marker < 0) continue;
    out.push({ name: resolution.slice(0, marker), version });
  }
  return out;
}

/** `@scope/name@^1.0.0` → `@scope/name`; the `@` at position 0 belongs to the scope. */
export function specName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at < 0 ? spec : spec.slice(0, at);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
