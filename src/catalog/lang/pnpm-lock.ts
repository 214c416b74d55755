import { lazyModule } from '../../lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');
const parseYaml = (text: string): unknown => yaml().parse(text);
import { isRecord, stringField, type FoundPackage } from './common.js';

/**
 * `pnpm-lock.yaml`. The `packages` keys changed over lockfile versions:
 * - 5.x: `/name/1.2.3` or `/@scope/name/1.2.3_peer@1.0.0` (peer suffix after `_`), `dev: true|false`;
 * - 6.x: `/name@1.2.3` or `/@scope/name@1.2.3(peer@1.0.0)`, `dev: true|false`;
 * - 9.x: `name@1.2.3` with no dev flag; peer variants and the dependency graph moved to `snapshots`,
 *   and `importers` list what the project asks for, so dev-only packages are found by reachability.
 */
export function parsePnpmLock(text: string): FoundPackage[] {
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc) || !isRecord(doc.packages)) return [];
  const lockVersion = parseFloat(String(doc.lockfileVersion ?? '0'));
  const out: FoundPackage[] = [];
  for (const [key, entry] of Object.entries(doc.packages)) {
    const meta = isRecord(entry) ? entry : {};
    const parsed = lockVersion < 6 ? parseV5Key(key) : parseAtKey(key);
    // tarball and git dependencies carry their own name and version fields
    const name = stringField(meta.name) ?? parsed?.name;
    const version = stringField(meta.version) ?? parsed?.version;
    if (name === undefined || version === undefined || version.includes(':')) continue;
    const found: FoundPackage = { name, version };
    if (meta.dev === true) found.dev = true;
    out.push(found);
  }
  if (lockVersion >= 9) markDevByReachability(doc, out);
  return out;
}

/** `/@scope/name/1.2.3_peer` → name and version. */
function parseV5Key(key: string): { name: string; version: string } | undefined {
  const parts = (key.startsWith('/') ? key.slice(1) : key).split('/');
  const scoped = parts[0]?.startsWith('@') === true;
  const name = scoped ? `${parts[0]}/${parts[1]}` : parts[0];
  const raw = parts[scoped ? 2 : 1];
  if (!name || !raw) return undefined;
  const underscore = raw.indexOf('_');
  return { name, version: underscore < 0 ? raw : raw.slice(0, underscore) };
}

/** `/@scope/name@1.2.3(peer@1)` (6.x) or `@scope/name@1.2.3` (9.x) → name and version. */
function parseAtKey(key: string): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  const paren = k.indexOf('(');
  if (paren >= 0) k = k.slice(0, paren);
  const at = k.indexOf('@', 1);
  if (at < 0) return undefined;
  return { name: k.slice(0, at), version: k.slice(at + 1) };
}

/**
 * 9.x: a package is dev when no production root (importers' `dependencies`, `optionalDependencies`)
 * reaches it through `snapshots`, while a `devDependencies` root does.
 */
function markDevByReachability(doc: Record<string, unknown>, found: FoundPackage[]): void {
  if (!isRecord(doc.importers) || !isRecord(doc.snapshots)) return;
  const snapshots = doc.snapshots;
  const prod = new Set<string>();
  const dev = new Set<string>();
  const walk = (start: string, into: Set<string>) => {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (into.has(id)) continue;
      into.add(id);
      const snap = snapshots[id];
      if (!isRecord(snap)) continue;
      for (const field of ['dependencies', 'optionalDependencies']) {
        const deps = snap[field];
        if (isRecord(deps)) for (const [n, v] of Object.entries(deps)) stack.push(snapshotId(n, v));
      }
    }
  };
  for (const importer of Object.values(doc.importers)) {
    if (!isRecord(importer)) continue;
    for (const [field, into] of [['dependencies', prod], ['optionalDependencies', prod], ['devDependencies', dev]] as const) {
      const deps = importer[field];
      if (!isRecord(deps)) continue;
      for (const [n, spec] of Object.entries(deps)) {
        const version = isRecord(spec) ? spec.version : spec;
        walk(snapshotId(n, version), into);
      }
    }
  }
  const base = (id: string) => {
    const paren = id.indexOf('(');
    return paren < 0 ? id : id.slice(0, paren);
  };
  const prodBase = new Set([...prod].map(base));
  const devBase = new Set([...dev].map(base));
  for (const f of found) {
    const id = `${f.name}@${f.version}`;
    if (devBase.has(id) && !prodBase.has(id)) f.dev = true;
  }
}

/** A dependency value is a version (`1.2.3(peer@1)`) or, for aliases, a full id (`real@1.2.3`). */
function snapshotId(name: string, value: unknown): string {
  const v = String(value);
  const at = v.indexOf('@', 1);
  const paren = v.indexOf('(');
  if (at > 0 && (paren < 0 || at < paren)) return v;
  return `${name}@${v}`;
}
