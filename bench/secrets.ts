/**
 * `npm run bench`, third part: secret scanning of the seeded image (test/harness/seeded-fixture.ts:
 * ~550 MB of real Debian and npm files with generated credentials) against `trivy image --scanners
 * secret` in the same run, and the cost of a full scan (vuln, secret, config) over the BOM alone.
 * Cold (no layer cache, Trivy's scan cache emptied), median of BENCH_RUNS. Prints; never asserts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { updateVulnDb } from '../src/vuln/index.js';
import { cliCommand, REPO_ROOT } from '../test/harness/cli.js';
import { buildOsvExports, copyOsvData, osvDataDir } from '../test/harness/osv-mirror.js';
import { seededFixture } from '../test/harness/seeded-fixture.js';
import { measure, type Measurement } from './measure.js';
import { ensureTrivy, prepareTrivyCache } from './trivy.js';

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const fixture = await seededFixture();
  const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-secrets-'));
  try {
    const trivy = await ensureTrivy();
    const trivyCache = join(work, 'trivy-cache');
    prepareTrivyCache(trivyCache);
    const data = copyOsvData(osvDataDir(), join(work, 'osv'));
    copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), data);
    await buildOsvExports(data, join(work, 'mirror'));
    const db = join(work, 'vuln.db');
    await updateVulnDb({ dbPath: db, source: join(work, 'mirror') });
    const cli = cliCommand(true);
    const image = `docker-archive:${fixture.archivePath}`;
    const out = (name: string) => join(work, name);
    const results: Measurement[] = [];
    const bench = async (label: string, command: string, args: string[], extra: Parameters<typeof measure>[3] = { runs }) => {
      process.stderr.write(`measuring ${label} (${runs} runs)...\n`);
      const m = await measure(label, command, args, extra);
      results.push(m);
      return m;
    };
    const bhSecrets = await bench('bulkhead scan --scanners secret', cli.command, [...cli.args, 'scan', image, '--scanners', 'secret', '--no-cache', '--format', 'json', '-o', out('bh-secrets.json')]);
    const trivySecrets = await bench('trivy image --scanners secret', trivy, [
      'image', '--quiet', '--scanners', 'secret', '--format', 'json', '--output', out('trivy-secrets.json'), '--cache-dir', trivyCache,
      '--skip-db-update', '--skip-java-db-update', '--offline-scan', '--input', fixture.archivePath,
    ], { runs, prepare: () => rmSync(join(trivyCache, 'fanal'), { recursive: true, force: true }) });
    const sbom = await bench('bulkhead sbom (BOM only)', cli.command, [...cli.args, 'sbom', image, '--no-cache', '--format', 'json', '-o', out('sbom.json')]);
    const full = await bench('bulkhead scan (vuln, secret, config)', cli.command, [...cli.args, 'scan', image, '--db', db, '--no-cache', '--format', 'json', '-o', out('full.json')]);

    const ours = (JSON.parse(readFileSync(out('bh-secrets.json'), 'utf8')) as { findings: { kind: string; target: { path?: string } }[] }).findings.filter((f) => f.kind === 'secret');
    const theirs = ((JSON.parse(readFileSync(out('trivy-secrets.json'), 'utf8')) as { Results?: { Target: string; Secrets?: unknown[] }[] }).Results ?? []).flatMap((r) => (r.Secrets ?? []).map(() => r.Target));
    const seeded = new Set(fixture.secrets.map((s) => s.path));
    const lines: string[] = [];
    lines.push(`Secret scanning on the seeded image (${fixture.secrets.length} seeded credentials in ${seeded.size} places), cold, median of ${runs}`);
    lines.push('');
    lines.push('| run | wall s | peak RSS MiB | samples s |');
    lines.push('| --- | ---: | ---: | --- |');
    for (const m of results) lines.push(`| ${m.label} | ${fmt(m.seconds)} | ${fmt(m.peakRssMiB, 0)} | ${m.samples.map((s) => fmt(s.seconds)).join(' ')} |`);
    lines.push('');
    lines.push(`| ratio | value |`);
    lines.push('| --- | ---: |');
    lines.push(`| bulkhead/trivy, secret scan time | ${fmt(bhSecrets.seconds / trivySecrets.seconds, 3)} |`);
    lines.push(`| bulkhead/trivy, secret scan peak RSS | ${fmt(bhSecrets.peakRssMiB / trivySecrets.peakRssMiB)} |`);
    lines.push(`| full scan / BOM only | ${fmt(full.seconds / sbom.seconds)} |`);
    lines.push('');
    lines.push(`| secrets found | total | in seeded places | elsewhere |`);
    lines.push('| --- | ---: | ---: | ---: |');
    const row = (label: string, paths: (string | undefined)[]) => {
      const inSeeded = paths.filter((p) => (p === undefined ? seeded.has('config:Env') : seeded.has(p.replace(/^\//, '')))).length;
      lines.push(`| ${label} | ${paths.length} | ${inSeeded} | ${paths.length - inSeeded} |`);
    };
    row('bulkhead', ours.map((f) => f.target.path));
    row('trivy', theirs);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
