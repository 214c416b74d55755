/**
 * Test fixture: a ScanResult and its ImageAnalysis built from real OSV records in test/data/osv
 * (GitHub advisories for npm packages, a Debian DSA, an Ubuntu CVE record), with CVSS scores computed
 * by findings/cvss from the records' vectors. Installed versions are chosen inside each record's
 * affected range; digests are sha256 of the layer's history line. On top come the cases reports must
 * survive: hostile strings (markup, ANSI escapes, table and CDATA terminators), a finding without a
 * fixed version, one without layer facts, suppressions by VEX and by ignore rule.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import semver from 'semver';
import type { ImageAnalysis, LayerFacts } from '../../catalog/analysis.js';
import type { Package } from '../../catalog/types.js';
import { bestCvss } from '../../findings/cvss/index.js';
import type { ScanResult } from '../../findings/scan-result.js';
import { SEVERITIES, type Finding, type Severity } from '../../findings/types.js';

const OSV_DIR = new URL('../../../test/data/osv/', import.meta.url).pathname;

interface OsvRecord {
  id: string;
  aliases?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  published?: string;
  modified: string;
  severity?: { type: string; score: string }[];
  affected: { package: { ecosystem: string; name: string }; ranges?: { events: Record<string, string>[] }[] }[];
  references?: { url: string }[];
  database_specific?: { severity?: string };
}

export function osvRecord(ecosystemDir: string, id: string): OsvRecord {
  return JSON.parse(readFileSync(join(OSV_DIR, ecosystemDir, `${id}.json`), 'utf8')) as OsvRecord;
}

export function npmRecordIds(): string[] {
  return readdirSync(join(OSV_DIR, 'npm')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

const sha = (text: string) => 'sha256:' + createHash('sha256').update(text).digest('hex');

export const HOSTILE = {
  title: 'Pollution via <script>alert("t")</script> | `code` ]]> </failure> & \u001b[2J\u001b[31mred\u0007 \u0001\nsecond line',
  packageName: '<script>alert(1)</script>|`x`',
  reason: 'accepted: "risk" <b>owner</b> & team | `#123`',
} as const;

const LAYERS: LayerFacts[] = [
  'ADD file:6b1c1c1e0c in / ',
  '/bin/sh -c apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*',
  '/bin/sh -c #(nop) WORKDIR /usr/src/app',
  'RUN /bin/sh -c npm ci --omit=dev # buildkit',
].map((createdBy, index) => ({
  index,
  digest: sha(createdBy),
  diffId: sha(`diff:${createdBy}`),
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  size: 1000 + index,
  createdBy,
  files: 10 * (index + 1),
  bytes: 4096 * (index + 1),
}));

function npmPackage(name: string, version: string, path: string, layer = 3): Package {
  return {
    id: `npm:${name}@${version}:${path}`,
    name,
    version,
    type: 'npm',
    purl: new PackageURL('npm', undefined, name, version, undefined, undefined).toString(),
    cataloger: 'npm-package-json',
    licenses: ['MIT'],
    locations: [{ path, layerIndex: layer, layerDigest: LAYERS[layer]!.digest, layerCreatedBy: LAYERS[layer]!.createdBy! }],
  };
}

const GHSA_SEVERITY: Record<string, Severity> = { critical: 'critical', high: 'high', moderate: 'medium', low: 'low' };

/** A finding as matching makes it: ids, fix, CVSS from the record, target from the package's first location. */
export function findingFromRecord(record: OsvRecord, pkg: Package, image: string, imageDigest: string, layerFacts = true): Finding {
  const ids = [record.id, ...(record.aliases ?? []), ...(record.upstream ?? []).filter((u) => u.startsWith('CVE-'))];
  const sorted = [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const affected = record.affected.find((a) => a.package.name === pkg.name || a.package.name === pkg.sourceName) ?? record.affected[0]!;
  const fixes = (affected.ranges ?? []).flatMap((r) => r.events.map((e) => e.fixed).filter((x): x is string => !!x));
  const cvss = bestCvss(record.severity ?? [], record.id.startsWith('GHSA-') ? 'ghsa' : undefined);
  const dbSeverity = GHSA_SEVERITY[(record.database_specific?.severity ?? '').toLowerCase()];
  const severity: Severity = cvss[0]?.severity ?? dbSeverity ?? 'unknown';
  const location = pkg.locations[0]!;
  const target: Finding['target'] = {
    image,
    imageDigest,
    package: { id: pkg.id, name: pkg.name, version: pkg.version, type: pkg.type, purl: pkg.purl },
  };
  if (layerFacts) {
    target.path = location.path;
    target.layerIndex = location.layerIndex;
    if (location.layerDigest) target.layerDigest = location.layerDigest;
    if (location.layerCreatedBy) target.layerCreatedBy = location.layerCreatedBy;
  }
  const finding: Finding = {
    id: sorted[0]!,
    kind: 'vulnerability',
    severity,
    severitySource: cvss[0] ? `cvss:${cvss[0].version}:${cvss[0].source ?? 'osv'}` : dbSeverity ? 'ghsa' : 'unknown',
    title: (record.summary ?? record.details?.split('\n')[0] ?? sorted[0]!).trim(),
    target,
    remediation: fixes[0] ? `upgrade ${pkg.name} to ${fixes[0]} or later` : `no fix yet for ${pkg.name}`,
    vulnerability: {
      ids: sorted,
      ecosystem: affected.package.ecosystem,
      records: [record.id],
      ...(fixes[0] ? { fixedVersion: fixes[0] } : {}),
      fixedVersions: fixes,
      matchedBy: `${record.id}: ECOSYSTEM range`,
      cvss,
      ...(record.published ? { published: record.published } : {}),
      modified: record.modified,
      references: (record.references ?? []).map((r) => r.url),
    },
  };
  if (record.details) finding.description = record.details.trim();
  return finding;
}

/** The installed version lies in one of the record's SEMVER/ECOSYSTEM ranges (npm: semver order). */
function affects(record: OsvRecord, version: string): boolean {
  return (record.affected[0]!.ranges ?? []).some((r) => {
    const introduced = r.events.find((e) => e.introduced)?.introduced ?? '0';
    const fixed = r.events.find((e) => e.fixed)?.fixed;
    return (introduced === '0' || semver.gte(version, introduced)) && (fixed === undefined || semver.lt(version, fixed));
  });
}

function rank(id: string): number {
  return id.startsWith('CVE-') ? 0 : id.startsWith('GHSA-') ? 1 : 2;
}

export interface Fixture {
  result: ScanResult;
  analysis: ImageAnalysis;
}

/**
 * The standard fixture. `copies` > 1 installs every npm package again under nested node_modules
 * paths (as npm does for conflicting ranges), multiplying findings for the row-cap tests.
 */
export function scanFixture(options: { failOn?: Severity; copies?: number } = {}): Fixture {
  const image = 'docker.io/library/app:1.0';
  const manifestDigest = sha('manifest');
  const installed: Record<string, string> = {
    lodash: '4.17.4', minimist: '0.0.8', 'ansi-regex': '6.0.0', json5: '2.1.0', semver: '7.3.8',
    'glob-parent': '3.1.0', express: '4.18.2', axios: '1.5.0',
  };
  const packages: Package[] = [];
  const findings: Finding[] = [];
  for (let copy = 0; copy < (options.copies ?? 1); copy++) {
    const prefix = copy === 0 ? 'usr/src/app/node_modules' : `usr/src/app/node_modules/dep-${copy}/node_modules`;
    const byName = new Map<string, Package>();
    for (const [name, version] of Object.entries(installed)) {
      const pkg = npmPackage(name, version, `${prefix}/${name}/package.json`);
      byName.set(name, pkg);
      packages.push(pkg);
    }
    for (const id of npmRecordIds()) {
      const record = osvRecord('npm', id);
      if (record.summary?.startsWith('Withdrawn')) continue;
      const pkg = byName.get(record.affected[0]!.package.name);
      if (pkg && affects(record, pkg.version)) findings.push(findingFromRecord(record, pkg, image, manifestDigest));
    }
  }

  // Debian: nginx from the DSA, installed by layer 1; reported without layer facts (SBOM-like input)
  const nginx: Package = {
    id: 'deb:nginx@1.2.1-2.2+wheezy2', name: 'nginx', version: '1.2.1-2.2+wheezy2', type: 'deb',
    purl: 'pkg:deb/debian/nginx@1.2.1-2.2%2Bwheezy2?arch=amd64&distro=debian-7', cataloger: 'dpkg',
    sourceName: 'nginx', sourceVersion: '1.2.1-2.2+wheezy2',
    locations: [{ path: 'var/lib/dpkg/status', layerIndex: 1, layerDigest: LAYERS[1]!.digest, layerCreatedBy: LAYERS[1]!.createdBy! }],
  };
  packages.push(nginx);
  const dsa = findingFromRecord(osvRecord('Debian', 'DSA-3029-1'), nginx, image, manifestDigest, false);
  findings.push({ ...dsa, severity: 'high', severitySource: 'distro', vulnerability: { ...dsa.vulnerability!, distroSeverity: 'high' } });

  // Ubuntu kernel record: no fix, no CVSS (its severity entry is Ubuntu's own rating)
  const linux: Package = {
    id: 'deb:linux-libc-dev@6.8.0-31.31', name: 'linux-libc-dev', version: '6.8.0-31.31', type: 'deb',
    purl: 'pkg:deb/ubuntu/linux-libc-dev@6.8.0-31.31?arch=amd64&distro=ubuntu-24.04', cataloger: 'dpkg',
    sourceName: 'linux', sourceVersion: '6.8.0-31.31',
    locations: [{ path: 'var/lib/dpkg/status', layerIndex: 0, layerDigest: LAYERS[0]!.digest, layerCreatedBy: LAYERS[0]!.createdBy! }],
  };
  packages.push(linux);
  findings.push({ ...findingFromRecord(osvRecord('Ubuntu', 'UBUNTU-CVE-2025-38094'), linux, image, manifestDigest), severity: 'negligible', severitySource: 'distro' });

  // hostile strings in a package name, a title, a path and a suppression reason
  const hostilePkg = npmPackage(HOSTILE.packageName, '1.0.0', `usr/src/app/node_modules/${HOSTILE.packageName}/package.json`);
  packages.push(hostilePkg);
  const base = findingFromRecord(osvRecord('npm', 'GHSA-xvch-5gv4-984h'), hostilePkg, image, manifestDigest);
  findings.push({ ...base, title: HOSTILE.title, description: `${HOSTILE.title}\n\n<img src=x onerror=alert(2)>` });

  // suppressions: express by a VEX statement, axios by an ignore rule with an expiry date
  for (const f of findings) {
    if (f.target.package?.name === 'express') {
      f.suppression = { kind: 'vex', reason: 'the redirect helper is not used', source: 'app.openvex.json', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' };
    }
    if (f.target.package?.name === 'axios') {
      f.suppression = { kind: 'ignore', reason: HOSTILE.reason, source: '.bulkheadignore.yaml', expires: '2030-01-01' };
    }
  }

  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppression) summary[f.severity]++;
  const facts: ImageAnalysis['image'] = {
    reference: image, transport: 'registry', name: image, manifestDigest, configDigest: sha('config'),
    platform: { os: 'linux', architecture: 'amd64' }, created: '2024-05-01T10:00:00Z',
    labels: { 'org.opencontainers.image.source': 'https://example.org/app', maintainer: HOSTILE.packageName },
    layers: LAYERS,
  };
  const os = { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', family: 'debian' as const, source: 'etc/os-release' };
  const result: ScanResult = {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version: '0.1.0' },
    createdAt: '2025-01-02T03:04:05.678Z',
    image: facts,
    os,
    packagesScanned: packages.length,
    db: { path: '/root/.cache/bulkhead/vuln.db', updatedAt: '2025-01-01T00:00:00Z', ageDays: 1, ecosystems: { npm: 18, Debian: 1, Ubuntu: 1 } },
    findings,
    summary,
    options: options.failOn ? { failOn: options.failOn } : {},
    warnings: ['usr/src/app/node_modules/broken/package.json: not valid JSON'],
  };
  return { result, analysis: { schemaVersion: 1, image: facts, os, packages, warnings: [] } };
}
