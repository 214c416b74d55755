/**
 * `npm run bench`, second part: the vulnerability database and matching.
 * - A synthetic OSV mirror of BENCH_RECORDS records (default 60,000) cloned from the real records in
 *   shared/data and test/data (npm, PyPI, Go, crates.io, Maven shapes, real ranges and severities),
 *   with distinct ids and package names, served from 127.0.0.1: full `db update` time, unchanged
 *   update time, database size on disk.
 * - Match throughput: a 1,000-package BOM (700 names that have advisories, 300 that do not) matched
 *   with `matchPackages`: first (cold statements) and median of 7.
 * - Cold `bulkhead scan` of the Debian fixture archive (the image of the BOM bench), against a
 *   database of the real records, compared with `bulkhead sbom` of the same archive: the cost of
 *   matching and reporting on top of the inventory.
 * Prints; never asserts.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Package } from '../src/catalog/index.js';
import { openVulnDb, updateVulnDb, matchPackages, type OsvRecord } from '../src/vuln/index.js';
import { cliCommand, REPO_ROOT } from '../test/harness/cli.js';
import { debianFixture } from '../test/harness/fixtures.js';
import { buildOsvExports, copyOsvData, osvDataDir, serveOsvMirror } from '../test/harness/osv-mirror.js';
import { measure } from './measure.js';

const ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'crates.io', 'Maven'];
const fmt = (n: number, digits = 2): string => n.toFixed(digits);

function realRecords(dirs: string[]): OsvRecord[] {
  const out: OsvRecord[] = [];
  for (const root of dirs) {
    for (const eco of ECOSYSTEMS) {
      const dir = join(root, eco);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) if (f.endsWith('.json')) out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as OsvRecord);
    }
  }
  return out.filter((r) => !r.withdrawn && (r.affected ?? []).some((a) => a.ranges?.length));
}

function benchName(eco: string, n: number): string {
  return eco === 'Maven' ? `org.bench:artifact-${n}` : eco === 'Go' ? `example.com/bench/mod${n}` : `bench-pkg-${n}`;
}

async function main(): Promise<void> {
  const total = Number(process.env.BENCH_RECORDS ?? 60_000);
  const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-scan-'));
  const lines: string[] = [];
  try {
    const dataDirs = [osvDataDir(), resolve(REPO_ROOT, 'test', 'data', 'osv')];
    const templates = realRecords(dataDirs);
    const names = 20_000;
    const records = join(work, 'records');
    for (const eco of ECOSYSTEMS) mkdirSync(join(records, eco), { recursive: true });
    process.stderr.write(`writing ${total} synthetic records from ${templates.length} real ones...\n`);
    for (let i = 0; i < total; i++) {
      const r = structuredClone(templates[i % templates.length]!);
      const eco = r.affected?.[0]?.package?.ecosystem ?? 'npm';
      r.id = `BENCH-${i}`;
      r.aliases = [`CVE-2099-${i}`];
      r.affected = (r.affected ?? []).map((a) => ({ ...a, package: { ecosystem: eco, name: benchName(eco, i % names) } }));
      writeFileSync(join(records, ECOSYSTEMS.includes(eco) ? eco : 'npm', `BENCH-${i}.json`), JSON.stringify(r));
    }
    const mirrorRoot = join(work, 'mirror');
    await buildOsvExports(records, mirrorRoot, ECOSYSTEMS);
    const mirror = await serveOsvMirror(mirrorRoot);
    const dbPath = join(work, 'db', 'vuln.db');
    let t = performance.now();
    await updateVulnDb({ dbPath, source: mirror.url, ecosystems: ECOSYSTEMS });
    const fullS = (performance.now() - t) / 1000;
    t = performance.now();
    await updateVulnDb({ dbPath, source: mirror.url, ecosystems: ECOSYSTEMS });
    const unchangedMs = performance.now() - t;
    await mirror.close();
    const dbBytes = statSync(dbPath).size;
    const zipBytes = ECOSYSTEMS.reduce((n, e) => n + statSync(join(mirrorRoot, e, 'all.zip')).size, 0);

    // the BOM: 700 packages with advisories, 300 without, in the ecosystems' own shapes
    const typeOf: Record<string, Package['type']> = { npm: 'npm', PyPI: 'pypi', Go: 'golang', 'crates.io': 'cargo', Maven: 'maven' };
    const packages: Package[] = [];
    for (let i = 0; i < 1000; i++) {
      const eco = ECOSYSTEMS[i % ECOSYSTEMS.length]!;
      const n = i < 700 ? (i * 7919) % names : names + i;
      const full = benchName(eco, n);
      const [ns, name] = eco === 'Maven' ? full.split(':') : [undefined, full];
      const version = eco === 'Go' ? `v0.${i % 9}.${i % 5}` : `${i % 4}.${i % 9}.${i % 5}`;
      packages.push({
        id: `p${i}`, name: name!, version, type: typeOf[eco]!, purl: '', cataloger: 'bench', locations: [{ path: 'x', layerIndex: 0 }],
        ...(ns ? { namespace: ns } : {}),
      });
    }
    const db = openVulnDb(dbPath);
    const timings: number[] = [];
    let findings = 0;
    for (let round = 0; round < 8; round++) {
      t = performance.now();
      findings = matchPackages(packages, undefined, db).findings.length;
      timings.push(performance.now() - t);
    }
    db.close();
    const first = timings[0]!;
    const rest = timings.slice(1).sort((a, b) => a - b);
    const median = rest[Math.floor(rest.length / 2)]!;

    // cold scan vs sbom of the BOM bench's image, with a database of the real records
    const realDb = join(work, 'real', 'vuln.db');
    const realData = copyOsvData(osvDataDir(), join(work, 'real-data'));
    copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), realData);
    await buildOsvExports(realData, join(work, 'real-mirror'));
    await updateVulnDb({ dbPath: realDb, source: join(work, 'real-mirror') });
    const fixture = await debianFixture();
    const cli = cliCommand(true);
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    const sbom = await measure('bulkhead sbom, docker-archive', cli.command, [...cli.args, 'sbom', `docker-archive:${fixture.archivePath}`, '--format', 'json', '-o', join(work, 'sbom.json'), '--no-cache'], { runs });
    const scan = await measure('bulkhead scan, docker-archive', cli.command, [...cli.args, 'scan', `docker-archive:${fixture.archivePath}`, '--db', realDb, '--format', 'json', '-o', join(work, 'scan.json'), '--no-cache'], { runs });
    const scanned = JSON.parse(readFileSync(join(work, 'scan.json'), 'utf8')) as { packagesScanned: number; findings: unknown[] };

    lines.push(`Vulnerability database and matching (${cli.args[0]?.endsWith('.js') ? 'dist build' : 'tsx on sources'})`);
    lines.push('');
    lines.push('| measure | value |');
    lines.push('| --- | ---: |');
    lines.push(`| records in the synthetic mirror | ${total} (from ${templates.length} real records) |`);
    lines.push(`| mirror size (all.zip, ${ECOSYSTEMS.length} ecosystems) | ${fmt(zipBytes / 1e6, 1)} MB |`);
    lines.push(`| full db update from the local HTTP mirror | ${fmt(fullS, 1)} s (${fmt(total / fullS, 0)} records/s) |`);
    lines.push(`| unchanged db update (304s) | ${fmt(unchangedMs, 0)} ms |`);
    lines.push(`| database size on disk | ${fmt(dbBytes / 1e6, 1)} MB (${fmt(dbBytes / total / 1000, 2)} MB per 1,000 records) |`);
    lines.push(`| match 1,000 packages, first call | ${fmt(first, 0)} ms (${findings} findings) |`);
    lines.push(`| match 1,000 packages, median of 7 | ${fmt(median, 0)} ms (${fmt((1000 * total) / (median / 1000) / 1e9, 2)} G package x record pairs/s) |`);
    lines.push(`| bulkhead sbom, docker-archive, cold | ${fmt(sbom.seconds)} s, ${fmt(sbom.peakRssMiB, 0)} MiB |`);
    lines.push(`| bulkhead scan, docker-archive, cold | ${fmt(scan.seconds)} s, ${fmt(scan.peakRssMiB, 0)} MiB (${scanned.packagesScanned} packages, ${scanned.findings.length} findings) |`);
    lines.push(`| scan / sbom | ${fmt(scan.seconds / sbom.seconds)} |`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
