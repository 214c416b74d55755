/**
 * Compares an analysis of the fixture image with the reference inventories its own tools produced
 * (fixture-references.ts). Each function returns a list of problems (empty when all is well), so a
 * failing test prints every difference at once instead of the first one.
 */
import type { ImageAnalysis, Package } from '../../src/index.js';
import type { FixtureReferences, LangRef } from './fixture-references.js';

const pathsOf = (p: Package): string[] => p.locations.map((l) => l.path.replace(/^\/+/, ''));
const byType = (a: ImageAnalysis, type: string): Package[] => a.packages.filter((p) => p.type === type);
const show = (p: Package): string => `${p.type}:${p.namespace ? p.namespace + '/' : ''}${p.name}@${p.version} [${pathsOf(p).join(', ')}]`;

/** dpkg: set equality of (name, version, source name, source version), both ways. */
export function compareDpkg(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  // dpkg-query's source:Package and source:Version fall back to the binary's own name and version.
  const key = (n: string, v: string, sn: string, sv: string): string => `${n} ${v} (source ${sn} ${sv})`;
  const expected = new Set(refs.dpkg.map((r) => key(r.name, r.version, r.sourceName, r.sourceVersion)));
  const actual = new Set(
    byType(analysis, 'deb').map((p) => key(p.name, p.version, p.sourceName ?? p.name, p.sourceVersion ?? p.version)),
  );
  return [
    ...[...expected].filter((k) => !actual.has(k)).map((k) => `deb missing: ${k}`),
    ...[...actual].filter((k) => !expected.has(k)).map((k) => `deb not in dpkg-query: ${k}`),
  ];
}

/**
 * npm: every installed folder `npm ls` reports under /app, and every Debian node module, must be
 * reported with its name, version and package.json path; every reported npm package must be one of
 * those (or the /app project itself). Packages deleted by later layers must not appear.
 */
export function compareNpm(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  const problems: string[] = [];
  const required = [...refs.npm.app, ...refs.npm.other];
  const allowed = new Map<string, LangRef>([...required, refs.npm.root].map((r) => [r.path, r]));
  const reported = byType(analysis, 'npm');
  for (const r of required) {
    const hit = reported.some((p) => p.name === r.name && p.version === r.version && pathsOf(p).includes(r.path));
    if (!hit) problems.push(`npm missing: ${r.name}@${r.version} at ${r.path}`);
  }
  const known = new Set([...required, refs.npm.root].map((r) => `${r.name}@${r.version}`));
  for (const p of reported) {
    for (const path of pathsOf(p)) {
      const ref = allowed.get(path);
      // A lockfile may be cited as further evidence of a package installed beside it.
      if (!ref && /(^|\/)\.?package-lock\.json$/.test(path)) {
        if (!known.has(`${p.name}@${p.version}`)) problems.push(`npm from ${path} not installed: ${show(p)}`);
        continue;
      }
      if (!ref) problems.push(`npm not in the references: ${show(p)} (path ${path})`);
      else if (ref.name !== p.name || ref.version !== p.version) {
        problems.push(`npm at ${path}: reported ${p.name}@${p.version}, reference ${ref.name}@${ref.version}`);
      }
    }
  }
  for (const p of reported) {
    if (pathsOf(p).some((path) => path.startsWith('opt/doomed/'))) problems.push(`npm deleted by a later layer but reported: ${show(p)}`);
  }
  return problems;
}

/** PEP 503 name normalisation: the comparison Python's packaging tools use. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Python: importlib.metadata's distributions, by normalised name and version, both ways. */
export function comparePython(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  const problems: string[] = [];
  const reported = byType(analysis, 'pypi');
  for (const r of refs.python) {
    const hit = reported.some(
      (p) => normalizePythonName(p.name) === normalizePythonName(r.name) && p.version === r.version &&
        pathsOf(p).some((path) => path === r.path || path.startsWith(r.path + '/')),
    );
    if (!hit) problems.push(`pypi missing: ${r.name}@${r.version} at ${r.path}`);
  }
  for (const p of reported) {
    const ok = refs.python.some((r) => normalizePythonName(p.name) === normalizePythonName(r.name) && p.version === r.version);
    if (!ok) problems.push(`pypi not in importlib.metadata: ${show(p)}`);
  }
  return problems;
}

/** Java: Maven coordinates from pom.properties, both ways (group id is the package namespace). */
export function compareJava(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  const key = (g: string | undefined, a: string, v: string): string => `${g ?? '?'}:${a}:${v}`;
  const expected = new Set(refs.java.map((r) => key(r.groupId, r.artifactId, r.version)));
  const actual = new Set(byType(analysis, 'maven').map((p) => key(p.namespace, p.name, p.version)));
  return [
    ...[...expected].filter((k) => !actual.has(k)).map((k) => `maven missing: ${k}`),
    ...[...actual].filter((k) => !expected.has(k)).map((k) => `maven not in any pom.properties: ${k}`),
  ];
}

/**
 * Go: every `dep` line of `go version -m` must be reported; besides those, only the main module and
 * the standard library (named `stdlib`, versioned by the toolchain) may be.
 */
export function compareGo(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  const problems: string[] = [];
  const reported = byType(analysis, 'golang');
  for (const bin of refs.go) {
    for (const dep of bin.deps) {
      const hit = reported.some((p) => p.name === dep.path && p.version === dep.version && pathsOf(p).includes(bin.path));
      if (!hit) problems.push(`golang missing: ${dep.path}@${dep.version} in ${bin.path}`);
    }
  }
  for (const p of reported) {
    const ok = refs.go.some((bin) =>
      pathsOf(p).includes(bin.path) && (
        bin.deps.some((d) => d.path === p.name && d.version === p.version) ||
        p.name === bin.main?.path || p.name === bin.mainPath ||
        (p.name === 'stdlib' && p.version.replace(/^go/, '') === bin.goVersion.replace(/^go/, ''))));
    if (!ok) problems.push(`golang not in go version -m: ${show(p)}`);
  }
  return problems;
}

/** No package kind the fixture does not hold. */
export function compareKinds(analysis: ImageAnalysis): string[] {
  const known = new Set(['deb', 'npm', 'pypi', 'maven', 'golang']);
  return analysis.packages.filter((p) => !known.has(p.type)).map((p) => `package of a kind the image does not hold: ${show(p)}`);
}

/** Language packages that Debian installed must name their deb package (`dpkg -S`). */
export function compareOwners(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  const problems: string[] = [];
  const owned = [...refs.npm.other, ...refs.python, ...refs.java].filter((r) => r.owner);
  for (const r of owned) {
    const p = analysis.packages.find((x) => x.type !== 'deb' && pathsOf(x).some((path) => path === r.path || path.startsWith(r.path + '/')));
    if (!p) continue; // reported missing by the per-ecosystem comparison
    if (p.ownedBy?.name !== r.owner) problems.push(`${show(p)}: ownedBy ${p.ownedBy?.name ?? 'none'}, dpkg -S says ${r.owner}`);
  }
  return problems;
}

/**
 * Layers: the analysis lists the image's layers in order with their diff IDs and history lines, and
 * every package location names a layer whose tar holds that path; a language package's manifest
 * belongs to the last layer that wrote it.
 */
export function compareLayers(analysis: ImageAnalysis, refs: FixtureReferences): string[] {
  const problems: string[] = [];
  const layers = analysis.image.layers;
  if (layers.length !== refs.layers.length) problems.push(`layers: ${layers.length} reported, ${refs.layers.length} in the image`);
  for (const ref of refs.layers) {
    const l = layers[ref.index];
    if (l?.diffId && l.diffId !== ref.diffId) problems.push(`layer ${ref.index}: diffId ${l.diffId}, image ${ref.diffId}`);
    if (l && (l.createdBy ?? '') !== ref.createdBy) problems.push(`layer ${ref.index}: createdBy ${JSON.stringify(l.createdBy)}, history ${JSON.stringify(ref.createdBy)}`);
  }
  const pathSets = refs.layers.map((l) => new Set(l.paths));
  for (const p of analysis.packages) {
    for (const loc of p.locations) {
      const path = loc.path.replace(/^\/+/, '');
      const holders = refs.layers.filter((l) => pathSets[l.index]?.has(path)).map((l) => l.index);
      if (!holders.includes(loc.layerIndex)) {
        problems.push(`${show(p)}: layer ${loc.layerIndex} for ${path}, but only layers [${holders.join(', ')}] hold it`);
        continue;
      }
      if (p.type !== 'deb' && loc.layerIndex !== holders[holders.length - 1]) {
        problems.push(`${show(p)}: layer ${loc.layerIndex} for ${path}, but layer ${holders[holders.length - 1]} wrote it last`);
      }
      const layer = layers[loc.layerIndex];
      if (loc.layerDigest !== undefined && layer && loc.layerDigest !== layer.digest) {
        problems.push(`${show(p)}: layerDigest ${loc.layerDigest} is not layer ${loc.layerIndex}'s ${layer.digest}`);
      }
      if (loc.layerCreatedBy !== undefined && loc.layerCreatedBy !== refs.layers[loc.layerIndex]?.createdBy) {
        problems.push(`${show(p)}: layerCreatedBy ${JSON.stringify(loc.layerCreatedBy)} is not layer ${loc.layerIndex}'s`);
      }
    }
  }
  return problems;
}

/** Everything at once, in a stable order. */
export function compareAll(analysis: ImageAnalysis, refs: FixtureReferences): Record<string, string[]> {
  return {
    dpkg: compareDpkg(analysis, refs),
    npm: compareNpm(analysis, refs),
    python: comparePython(analysis, refs),
    java: compareJava(analysis, refs),
    go: compareGo(analysis, refs),
    kinds: compareKinds(analysis),
    owners: compareOwners(analysis, refs),
    layers: compareLayers(analysis, refs),
  };
}
