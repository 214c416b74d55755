/**
 * `npm run bench`: Bulkhead's `sbom` against Trivy and against the floor, on the Debian 12 fixture
 * image (test/harness/fixtures.ts), cold (no layer cache), from a loopback registry and from a
 * docker-archive. Prints wall time (median of BENCH_RUNS runs, default 3), peak RSS, the package
 * counts each tool found, and the ratios. Never asserts timings: it reports them.
 *
 * Floors: decompressing the layer blobs the registry serves (`gzip -dc`, the least any reader of a
 * registry image must do), and reading the docker-archive once (its layers are not compressed).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand } from '../test/harness/cli.js';
import { debianFixture, pushToRegistry } from '../test/harness/fixtures.js';
import { startRegistry } from '../test/harness/registry.js';
import { measure, type Measurement } from './measure.js';
import { ensureTrivy, prepareTrivyCache, trivyImageArgs } from './trivy.js';

interface CdxComponent { purl?: string; components?: CdxComponent[] }

/** Components of a CycloneDX file, counted by package-URL type. */
function countByPurlType(file: string): Record<string, number> {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as { components?: CdxComponent[] };
  const counts: Record<string, number> = {};
  const visit = (list: CdxComponent[] | undefined): void => {
    for (const c of list ?? []) {
      const type = c.purl ? /^pkg:([^/]+)\//.exec(c.purl)?.[1] ?? 'other' : 'no purl (OS, app)';
      counts[type] = (counts[type] ?? 0) + 1;
      visit(c.components);
    }
  };
  visit(bom.components);
  return counts;
}

function ociLayerBlobs(ociDir: string): string[] {
  const blob = (digest: string): string => join(ociDir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(ociDir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const first = index.manifests[0];
  if (!first) throw new Error(`${ociDir}: empty index`);
  const manifest = JSON.parse(readFileSync(blob(first.digest), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => blob(l.digest));
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const started = Date.now();
  const fixture = await debianFixture();
  process.stderr.write(`fixture ready in ${fmt((Date.now() - started) / 1000, 1)} s: ${fixture.dir}\n`);

  const registry = await startRegistry({ auth: 'htpasswd' });
  const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-'));
  try {
    const { oci: registryRef } = await pushToRegistry(fixture, registry);
    const trivy = await ensureTrivy();
    const trivyCache = join(work, 'trivy-cache');
    prepareTrivyCache(trivyCache);
    const emptyTrivyScanCache = (): void => rmSync(join(trivyCache, 'fanal'), { recursive: true, force: true });

    const cli = cliCommand(true);
    const cliKind = cli.args[0]?.endsWith('.js') ? 'dist build' : 'tsx on sources';
    const out = (name: string): string => join(work, name);
    const results: Measurement[] = [];
    const counts: Record<string, Record<string, number>> = {};
    const bench = async (label: string, file: string | undefined, command: string, args: string[], options: Parameters<typeof measure>[3]): Promise<Measurement> => {
      process.stderr.write(`measuring ${label} (${runs} runs)...\n`);
      const m = await measure(label, command, args, options);
      results.push(m);
      if (file) counts[label] = countByPurlType(file);
      return m;
    };

    const bulkheadRegistry = await bench('bulkhead sbom, registry', out('bh-registry.cdx.json'), cli.command, [
      ...cli.args, 'sbom', registryRef, '--format', 'cyclonedx-json', '-o', out('bh-registry.cdx.json'), '--no-cache',
      '--username', registry.username, '--password-stdin',
    ], { runs, input: registry.password + '\n' });
    const bulkheadArchive = await bench('bulkhead sbom, docker-archive', out('bh-archive.cdx.json'), cli.command, [
      ...cli.args, 'sbom', `docker-archive:${fixture.archivePath}`, '--format', 'cyclonedx-json', '-o', out('bh-archive.cdx.json'), '--no-cache',
    ], { runs });
    const trivyRegistry = await bench('trivy image, registry', out('trivy-registry.cdx.json'), trivy,
      trivyImageArgs(trivyCache, out('trivy-registry.cdx.json'), { image: registryRef }),
      { runs, prepare: emptyTrivyScanCache, env: { ...process.env, TRIVY_USERNAME: registry.username, TRIVY_PASSWORD: registry.password } });
    const trivyArchive = await bench('trivy image, docker-archive', out('trivy-archive.cdx.json'), trivy,
      trivyImageArgs(trivyCache, out('trivy-archive.cdx.json'), { input: fixture.archivePath }),
      { runs, prepare: emptyTrivyScanCache });
    const floorGzip = await bench('floor: gzip -dc of the layer blobs', undefined, 'sh',
      ['-c', 'for f in "$@"; do gzip -dc "$f" > /dev/null || exit 1; done', 'floor', ...ociLayerBlobs(fixture.ociDir)], { runs });
    const floorRead = await bench('floor: read the docker-archive', undefined, 'sh',
      ['-c', 'cat "$1" > /dev/null', 'floor', fixture.archivePath], { runs });

    const refs = fixture.references;
    const reference = {
      deb: refs.dpkg.length,
      npm: refs.npm.app.length + refs.npm.other.length,
      pypi: refs.python.length,
      maven: new Set(refs.java.map((j) => `${j.groupId}:${j.artifactId}:${j.version}`)).size,
      golang: refs.go.reduce((n, b) => n + b.deps.length, 0),
    };

    const lines: string[] = [];
    lines.push(`Bulkhead (${cliKind}) vs Trivy (${trivy.split('/').pop()}) on ${refs.image}, cold, median of ${runs}`);
    lines.push('');
    lines.push('| run | wall s | peak RSS MiB | samples s |');
    lines.push('| --- | ---: | ---: | --- |');
    for (const m of results) lines.push(`| ${m.label} | ${fmt(m.seconds)} | ${fmt(m.peakRssMiB, 0)} | ${m.samples.map((s) => fmt(s.seconds)).join(' ')} |`);
    lines.push('');
    lines.push('| ratio | time | peak RSS |');
    lines.push('| --- | ---: | ---: |');
    // A floor's memory is a shell's: only the time ratio means something there.
    const ratio = (label: string, a: Measurement, b: Measurement, withRss: boolean): void => {
      lines.push(`| ${label} | ${fmt(a.seconds / b.seconds)} | ${withRss ? fmt(a.peakRssMiB / b.peakRssMiB) : '-'} |`);
    };
    ratio('bulkhead/trivy, registry', bulkheadRegistry, trivyRegistry, true);
    ratio('bulkhead/trivy, docker-archive', bulkheadArchive, trivyArchive, true);
    ratio('bulkhead/floor (gzip -dc), registry', bulkheadRegistry, floorGzip, false);
    ratio('bulkhead/floor (read), docker-archive', bulkheadArchive, floorRead, false);
    lines.push('');
    const types = ['deb', 'npm', 'pypi', 'maven', 'golang'];
    const extra = new Set(Object.values(counts).flatMap((c) => Object.keys(c)).filter((t) => !types.includes(t)));
    const columns = [...types, ...extra];
    lines.push(`| packages found | ${columns.join(' | ')} |`);
    lines.push(`| --- | ${columns.map(() => '---:').join(' | ')} |`);
    lines.push(`| reference tools (dpkg-query, npm ls + Debian node modules, importlib.metadata, pom.properties, go version -m) | ${columns.map((t) => String(reference[t as keyof typeof reference] ?? '')).join(' | ')} |`);
    for (const [label, c] of Object.entries(counts)) lines.push(`| ${label} | ${columns.map((t) => String(c[t] ?? 0)).join(' | ')} |`);
    lines.push('');
    lines.push(`total bench time ${fmt((Date.now() - started) / 1000, 0)} s`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
