import type { Package } from '../../catalog/index.js';
import type { Finding, FindingPackage } from '../../findings/types.js';
import type { VulnDb } from '../db/types.js';
import { versionScheme } from '../versions/index.js';
import type { MatchOptions, RecordMatch } from './match.js';
import type { PackageQuery } from './package-query.js';
import { chooseSeverity } from './severity.js';

const OS_TYPES = new Set(['deb', 'rpm', 'apk']);

/** Order of ids: the one users search for first (CVE), then GHSA, then distro and database ids. */
function idRank(id: string): number {
  if (id.startsWith('CVE-')) return 0;
  if (id.startsWith('GHSA-')) return 1;
  return 2;
}

export function sortIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort((a, b) => idRank(a) - idRank(b) || a.localeCompare(b));
}

/** One finding for one package and one vulnerability (a group of alias records). */
export function buildFinding(pkg: Package, query: PackageQuery, group: RecordMatch[], db: VulnDb, options: MatchOptions): Finding {
  const ids: string[] = [];
  for (const m of group) {
    ids.push(m.record.id, ...(m.record.aliases ?? []));
    // distro per-CVE records (DEBIAN-CVE-x, UBUNTU-CVE-x, ALPINE-CVE-x) name their CVE as upstream
    const upstreamCves = (m.record.upstream ?? []).filter((u) => u.startsWith('CVE-'));
    if (upstreamCves.length === 1) ids.push(upstreamCves[0]!);
  }
  const sorted = sortIds(ids);
  const id = sorted[0]!;
  const scheme = versionScheme(query.ecosystem);
  const fixes = group.map((m) => m.verdict.fixedVersion).filter((v): v is string => v !== undefined);
  // records of one vulnerability can disagree; the highest fix satisfies all of them
  const fixedVersion = fixes.length === 0 ? undefined : fixes.reduce((a, b) => (scheme && scheme.compare(a, b) >= 0 ? a : b));
  const allFixed = [...new Set(group.flatMap((m) => m.verdict.fixedVersions))];
  if (scheme) allFixed.sort((a, b) => scheme.compare(a, b));
  const sev = chooseSeverity(group, OS_TYPES.has(pkg.type));
  const primary = group.find((m) => m.record.summary) ?? group[0]!;
  const description = group.map((m) => m.record.details).find((d) => d && d.trim());
  const title = (primary.record.summary ?? description?.split('\n')[0] ?? id).trim().slice(0, 300);
  const cves = sorted.filter((x) => x.startsWith('CVE-'));
  const kev = cves.map((c) => db.kev(c)).find((k) => k !== undefined);
  const epss = cves.map((c) => db.epss(c)).filter((e) => e !== undefined).sort((a, b) => b!.score - a!.score)[0];
  const references = [...new Set(group.flatMap((m) => (m.record.references ?? []).map((r) => r.url)))];
  const published = group.map((m) => m.record.published).filter((p): p is string => !!p).sort()[0];
  const modified = group.map((m) => m.record.modified).sort().at(-1);
  const location = pkg.locations[0];

  const target: Finding['target'] = { package: findingPackage(pkg) };
  if (options.image !== undefined) target.image = options.image;
  if (options.imageDigest !== undefined) target.imageDigest = options.imageDigest;
  if (location) {
    target.path = location.path;
    target.layerIndex = location.layerIndex;
    if (location.layerDigest !== undefined) target.layerDigest = location.layerDigest;
    if (location.layerCreatedBy !== undefined) target.layerCreatedBy = location.layerCreatedBy;
  }
  const shown = query.name !== pkg.name ? `${pkg.name} (source ${query.name})` : pkg.name;
  const finding: Finding = {
    id,
    kind: 'vulnerability',
    severity: sev.severity,
    severitySource: sev.source,
    title,
    target,
    remediation: fixedVersion !== undefined ? `upgrade ${shown} to ${fixedVersion} or later` : `no fix yet for ${shown}`,
    vulnerability: {
      ids: sorted,
      ecosystem: primary.ecosystem,
      records: group.map((m) => m.record.id),
      ...(fixedVersion !== undefined ? { fixedVersion } : {}),
      fixedVersions: allFixed,
      matchedBy: group.map((m) => `${m.record.id}: ${m.verdict.matchedBy}`).join('; '),
      cvss: sev.cvss,
      ...(sev.distroSeverity !== undefined ? { distroSeverity: sev.distroSeverity } : {}),
      ...(kev ? { kev: { dateAdded: kev.dateAdded, ...(kev.dueDate ? { dueDate: kev.dueDate } : {}), ...(kev.knownRansomware !== undefined ? { knownRansomware: kev.knownRansomware } : {}) } } : {}),
      ...(epss ? { epss: { score: epss.score, percentile: epss.percentile, ...(epss.date ? { date: epss.date } : {}) } } : {}),
      ...(published ? { published } : {}),
      ...(modified ? { modified } : {}),
      references,
    },
  };
  if (description !== undefined) finding.description = description.trim();
  return finding;
}

function findingPackage(pkg: Package): FindingPackage {
  const out: FindingPackage = { id: pkg.id, name: pkg.name, version: pkg.version, type: pkg.type };
  if (pkg.purl) out.purl = pkg.purl;
  if (pkg.sourceName !== undefined && pkg.sourceName !== pkg.name) out.sourceName = pkg.sourceName;
  if (pkg.sourceVersion !== undefined && pkg.sourceVersion !== pkg.version) out.sourceVersion = pkg.sourceVersion;
  if (pkg.ownedBy) out.ownedBy = `${pkg.ownedBy.type}:${pkg.ownedBy.name}`;
  return out;
}
