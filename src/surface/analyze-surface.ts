import { BulkheadError } from '../errors.js';
import { dockerfileAdvice } from './advice.js';
import { findAttackerTools } from './attacker-tools.js';
import { capabilityAdvice } from './capabilities.js';
import { parseDpkgRelations, type DpkgRelations } from './dpkg-relations.js';
import { Ownership } from './ownership.js';
import { seccompProfile } from './seccomp.js';
import type { Coverage, PackageUsage, SurfaceInput, SurfaceReport, UnusedPackage, VulnerabilityUse } from './types.js';

/** Ten minutes: a service has usually served requests, run its health checks and a timer or two. */
export const DEFAULT_MIN_WINDOW_SECONDS = 600;
const EVIDENCE_PATHS = 5;

/**
 * Joins an image's analysis with what its containers used. Pure: every input is data.
 * A package is used when any file it owns was executed, mapped or read; paths are compared after
 * resolving the image's symlinks.
 */
export function analyzeSurface(input: SurfaceInput): SurfaceReport {
  const { analysis, usage } = input;
  const files = analysis.files;
  if (!files) throw new BulkheadError('INTERNAL', 'surface: the image analysis has no file index');
  const now = input.options?.now ?? new Date();
  const minWindowSeconds = input.options?.minWindowSeconds ?? DEFAULT_MIN_WINDOW_SECONDS;
  const packages = analysis.packages;
  const ownership = new Ownership(packages, files);

  // every path the record names, resolved; executables are also kept apart for the tool check
  const usedBy = packages.map(() => new Set<string>());
  const executed = new Set<string>();
  let inImage = 0;
  let outside = 0;
  const record = (paths: Record<string, number>, isExec: boolean) => {
    for (const path of Object.keys(paths)) {
      if (!path.startsWith('/')) continue;
      const { resolved, owners } = ownership.lookup(path);
      if (resolved === undefined || files.get(resolved)?.type === 'dir') {
        outside++;
        continue;
      }
      inImage++;
      if (isExec) executed.add(resolved);
      for (const o of owners) usedBy[o]!.add(resolved);
    }
  };
  record(usage.executables, true);
  record(usage.libraries, false);
  record(usage.filesRead, false);

  const sizes = ownership.sizes();
  const relations = input.dpkgStatus !== undefined ? parseDpkgRelations(input.dpkgStatus) : undefined;
  const used: PackageUsage[] = [];
  const unusedIdx: number[] = [];
  packages.forEach((p, i) => {
    if (usedBy[i]!.size > 0) {
      used.push({ ...identity(p), usedPaths: [...usedBy[i]!].sort().slice(0, EVIDENCE_PATHS), files: sizes[i]!.files, sizeBytes: sizes[i]!.bytes });
    } else unusedIdx.push(i);
  });
  const neededBy = relations ? dependencyHolders(used.filter((u) => u.type === 'deb').map((u) => u.name), relations) : undefined;
  const unused: UnusedPackage[] = unusedIdx.map((i) => {
    const p = packages[i]!;
    const base = { ...identity(p), files: sizes[i]!.files, sizeBytes: sizes[i]!.bytes };
    if (p.type !== 'deb' || !relations || !neededBy) {
      return { ...base, removal: 'unchecked', reason: p.type === 'deb' ? 'no dpkg status to check dependencies' : `dependencies of ${p.type} packages are not checked` };
    }
    const rel = relations.get(p.name);
    if (rel?.essential || rel?.priority === 'required') {
      return { ...base, removal: 'essential', reason: rel.essential ? 'Essential: yes (dpkg refuses to remove it without --force)' : 'Priority: required (the base system expects it)' };
    }
    const holders = neededBy.get(p.name);
    if (holders && holders.size > 0) {
      const list = [...holders].sort();
      return { ...base, removal: 'needed', neededBy: list, reason: `a used package depends on it: ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', ...' : ''}` };
    }
    return { ...base, removal: 'safe', reason: 'never used and no used package depends on it' };
  });
  unused.sort((a, b) => b.sizeBytes - a.sizeBytes || a.name.localeCompare(b.name));
  used.sort((a, b) => a.name.localeCompare(b.name));

  // tools: attacker-useful binaries never executed
  const ownerName = (resolved: string) => ownership.lookup(resolved).owners.map((o) => packages[o]!.name)[0];
  const tools = [...findAttackerTools(files)]
    .filter(([path]) => !executed.has(path))
    .map(([path, t]) => {
      const pkg = ownerName(path);
      return { path, names: t.names, class: t.class, reason: t.reason, ...(pkg ? { package: pkg } : {}) };
    })
    .sort((a, b) => a.class.localeCompare(b.class) || a.path.localeCompare(b.path));

  const setuidRun = [...executed].filter((p) => ((files.get(p)?.mode ?? 0) & 0o6000) !== 0).sort();
  const capabilities = capabilityAdvice(usage.capabilities, usage.sources.capabilities, setuidRun);

  const coverage: Coverage = {
    image: usage.image,
    imageId: usage.imageId,
    firstSeen: usage.firstSeen,
    lastSeen: usage.lastSeen,
    observedSeconds: usage.observedSeconds,
    containers: usage.containers.length,
    probe: usage.sources.probe,
    syscalls: usage.sources.syscalls && usage.syscalls !== undefined,
    capabilities: usage.sources.capabilities,
    fileReads: usage.sources.fileReads,
    minWindowSeconds,
    pathsInImage: inImage,
    pathsOutsideImage: outside,
  };
  const warnings = coverageWarnings(coverage, analysis.image.configDigest);

  const imageBytes = [...files.all()].reduce((n, f) => n + (f.type === 'file' ? f.size : 0), 0);
  const report: SurfaceReport = {
    schemaVersion: 1,
    createdAt: now.toISOString(),
    coverage,
    warnings,
    totals: {
      packages: packages.length,
      used: used.length,
      unused: unused.length,
      imageBytes,
      removableBytes: unused.filter((u) => u.removal === 'safe').reduce((n, u) => n + u.sizeBytes, 0),
    },
    used,
    unused,
    tools,
    capabilities,
    dockerfile: dockerfileAdvice(used, unused, imageBytes),
  };
  if (coverage.syscalls && usage.syscalls) report.seccomp = seccompProfile(usage.syscalls);
  if (input.scan) report.vulnerabilities = splitVulnerabilities(input.scan, new Set(used.map((u) => u.id)), packages);
  return report;
}

function identity(p: SurfaceInput['analysis']['packages'][number]) {
  return { id: p.id, name: p.name, version: p.version, type: p.type, purl: p.purl };
}

/**
 * Every package a used package needs, with the used packages that pull it in: Depends and
 * Pre-Depends followed transitively. An alternative (`a | b`) or a virtual name keeps every
 * installed package that satisfies it: which one the used package relies on is not known.
 */
function dependencyHolders(usedNames: string[], relations: Map<string, DpkgRelations>): Map<string, Set<string>> {
  const providers = new Map<string, string[]>();
  for (const [name, rel] of relations) {
    providers.set(name, [...(providers.get(name) ?? []), name]);
    for (const v of rel.provides) providers.set(v, [...(providers.get(v) ?? []), name]);
  }
  const holders = new Map<string, Set<string>>();
  for (const root of usedNames) {
    const seen = new Set<string>([root]);
    const queue = [root];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const group of relations.get(current)?.depends ?? []) {
        for (const alt of group) {
          for (const dep of providers.get(alt) ?? []) {
            if (seen.has(dep)) continue;
            seen.add(dep);
            queue.push(dep);
            const set = holders.get(dep) ?? new Set<string>();
            set.add(root);
            holders.set(dep, set);
          }
        }
      }
    }
  }
  return holders;
}

function coverageWarnings(c: Coverage, configDigest: string | undefined): string[] {
  const out: string[] = [];
  if (configDigest && configDigest !== c.imageId) out.push(`the usage record is for ${c.imageId}, the image analysed is ${configDigest}`);
  if (c.observedSeconds < c.minWindowSeconds) {
    out.push(`observed for ${Math.round(c.observedSeconds)} s, less than the ${c.minWindowSeconds} s minimum: code the workload runs rarely (start-up paths, timers, error handling) may be missing`);
  }
  if (c.containers < 2) out.push(`only ${c.containers} container was observed: other deployments of the image may use more`);
  if (!c.fileReads) out.push('file reads were not recorded: packages used only as data (certificates, time zones, locales) show as unused');
  if (c.probe === 'procfs') out.push('recorded by /proc polling: short-lived processes and libraries loaded between samples can be missed');
  return out;
}

function splitVulnerabilities(scan: NonNullable<SurfaceInput['scan']>, usedIds: Set<string>, packages: SurfaceInput['analysis']['packages']) {
  const ran: VulnerabilityUse[] = [];
  const notLoaded: VulnerabilityUse[] = [];
  const byPurl = new Map(packages.map((p) => [p.purl, p.id]));
  for (const f of scan.findings) {
    if (f.kind !== 'vulnerability' || !f.target.package || f.suppression) continue;
    const pkg = f.target.package;
    const id = pkg.id ?? (pkg.purl ? byPurl.get(pkg.purl) : undefined);
    if (id === undefined) continue;
    const use: VulnerabilityUse = { id: f.id, severity: f.severity, package: pkg.name, version: pkg.version, use: usedIds.has(id) ? 'ran' : 'not-loaded', ...(pkg.purl ? { purl: pkg.purl } : {}) };
    (use.use === 'ran' ? ran : notLoaded).push(use);
  }
  return { ran, notLoaded };
}
