import type { OsRelease, Package } from '../../catalog/index.js';
import type { Finding } from '../../findings/types.js';
import { normalizePackageName } from '../db/index.js';
import type { OsvAffected, OsvRecord, VulnDb } from '../db/types.js';
import { versionScheme, type VersionScheme } from '../versions/index.js';
import { evaluateAffected, type AffectedVerdict } from './affected-range.js';
import { buildFinding } from './finding.js';
import { packageQuery, type PackageQuery, type QueryOptions } from './package-query.js';

export interface MatchOptions extends QueryOptions {
  /** Image reference and digest copied into each finding's target. */
  image?: string;
  imageDigest?: string;
}

export interface MatchResult {
  findings: Finding[];
  /** Packages looked up (the others are counted in `skipped`). */
  packagesScanned: number;
  skipped: { package: string; reason: string }[];
}

/** One advisory record that covers one installed package. */
export interface RecordMatch {
  record: OsvRecord;
  affected: OsvAffected;
  verdict: AffectedVerdict;
  ecosystem: string;
}

/**
 * Matches installed packages against the vulnerability database: one finding per package and
 * vulnerability, with every id the advisories give it (aliases merged).
 */
export function matchPackages(packages: Package[], os: OsRelease | undefined, db: VulnDb, options: MatchOptions = {}): MatchResult {
  const queries: { pkg: Package; query: PackageQuery; key: string; copies: Package[] }[] = [];
  const skipped: MatchResult['skipped'] = [];
  // one package installed twice (nested node_modules, a lockfile beside node_modules) is one finding
  // per vulnerability, with every place it was found
  const seen = new Map<string, (typeof queries)[number]>();
  for (const pkg of packages) {
    const q = packageQuery(pkg, os, options);
    if ('skipped' in q) {
      skipped.push({ package: `${pkg.type}:${pkg.name}@${pkg.version}`, reason: q.skipped });
      continue;
    }
    const name = normalizePackageName(q.query.ecosystemBase, q.query.name);
    const key = `${q.query.ecosystemBase}\0${name}`;
    const identity = `${q.query.ecosystem}\0${name}\0${q.query.version}\0${pkg.type === 'deb' || pkg.type === 'rpm' || pkg.type === 'apk' ? pkg.name : ''}`;
    const earlier = seen.get(identity);
    if (earlier) {
      earlier.copies.push(pkg);
      continue;
    }
    const entry = { pkg, query: q.query, key, copies: [] as Package[] };
    seen.set(identity, entry);
    queries.push(entry);
  }
  const keys = [...new Map(queries.map((q) => [q.key, { ecosystemBase: q.query.ecosystemBase, name: q.key.slice(q.key.indexOf('\0') + 1) }])).values()];
  const byKey = db.affectedForMany(keys);
  const recordCache = new Map<string, OsvRecord | undefined>();
  const recordOf = (id: string): OsvRecord | undefined => {
    if (!recordCache.has(id)) recordCache.set(id, db.record(id));
    return recordCache.get(id);
  };

  const findings: Finding[] = [];
  for (const { pkg, query, key, copies } of queries) {
    const matches: RecordMatch[] = [];
    for (const entry of byKey.get(key) ?? []) {
      if (!query.acceptsEcosystem(entry.ecosystem)) continue;
      const verdict = evaluateAffected(query.version, entry.affected, schemesFor(entry.ecosystem));
      if (!verdict) continue;
      const record = recordOf(entry.vulnId);
      if (!record) continue;
      matches.push({ record, affected: entry.affected, verdict, ecosystem: entry.ecosystem });
    }
    for (const group of mergeAliases(matches)) {
      const finding = buildFinding(pkg, query, group, db, options);
      const elsewhere = [...new Set(copies.flatMap((c) => c.locations.map((l) => l.path)))].filter((p) => p !== finding.target.path);
      if (elsewhere.length > 0) finding.evidence = { ...finding.evidence, alsoAt: elsewhere.join(', ') };
      findings.push(finding);
    }
  }
  return { findings, packagesScanned: queries.length, skipped };
}

function schemesFor(ecosystem: string): (rangeType: string) => VersionScheme | undefined {
  const eco = versionScheme(ecosystem);
  const semverLike = ecosystem === 'Go' ? eco : versionScheme('npm');
  return (type) => (type === 'ECOSYSTEM' ? eco : type === 'SEMVER' ? semverLike : undefined);
}

/**
 * Groups the records that describe one vulnerability: records are the same vulnerability when one
 * lists the other's id (or a shared id) in `aliases` (OSV schema, "aliases field"). `upstream` and
 * `related` do not merge: a DSA names many CVEs, each its own vulnerability.
 */
export function mergeAliases(matches: RecordMatch[]): RecordMatch[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const m of matches) {
    parent.set(m.record.id, find(m.record.id));
    for (const alias of m.record.aliases ?? []) union(m.record.id, alias);
  }
  const groups = new Map<string, RecordMatch[]>();
  for (const m of matches) {
    const root = find(m.record.id);
    const list = groups.get(root);
    if (list) {
      // one record may list the package twice (two ranges in two entries): keep one
      if (!list.some((x) => x.record.id === m.record.id)) list.push(m);
    } else groups.set(root, [m]);
  }
  return [...groups.values()];
}
