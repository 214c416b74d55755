/**
 * Re-match time after a vulnerability database update (issue 8: 1,000 stored images in < 30 s).
 * Seeds N stored images (BENCH_IMAGES, default 1,000) in a fresh server store from two real
 * analyses, the vulnerable npm fixture (86 npm packages) and the Debian 12 fixture (274 packages,
 * ~0.5 MB of analysis JSON), alternating, each copy with its own digest and varied package
 * versions; matches them against a database built from the real OSV test records minus one
 * (GHSA-p6mc-m468-83gw, lodash); then adds that record with `db update` and times the re-match
 * the server runs. Prints images/s and the ratio to the 30 s target. Never asserts timings.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeImage, type ImageAnalysis } from '../src/catalog/index.js';
import { scanAnalysis } from '../src/scan/index.js';
import { recordScan } from '../src/server/inventory/index.js';
import { Rematcher } from '../src/server/rematch/index.js';
import { openStore } from '../src/store/index.js';
import { openVulnDb, updateVulnDb } from '../src/vuln/index.js';
import { REPO_ROOT } from '../test/harness/cli.js';
import { debianFixture } from '../test/harness/fixtures.js';
import { copyOsvData, osvDataDir } from '../test/harness/osv-mirror.js';
import { vulnerableNpmFixture } from '../test/harness/vulnerable-npm-fixture.js';

const N = Number(process.env['BENCH_IMAGES'] ?? 1000);
const TARGET_SECONDS = 30;
const WITHHELD = join('npm', 'GHSA-p6mc-m468-83gw.json');
const LODASH = ['4.17.4', '4.17.10', '4.17.15', '4.17.19', '4.17.20', '4.17.21'];

/** A copy of a real analysis as another image: its own digest, some package versions moved. */
function variant(base: ImageAnalysis, i: number): ImageAnalysis {
  const copy = structuredClone(base);
  const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
  copy.image = { ...copy.image, reference: `bench.local/app-${i % 97}:v${i}`, manifestDigest: digest };
  for (const p of copy.packages) {
    if (p.type === 'npm' && p.name === 'lodash') p.version = LODASH[i % LODASH.length]!;
    else if (p.type === 'deb' && p.name.startsWith('lib') && i % 3 === 0) p.version = `${p.version}+b${i % 5}`;
  }
  return copy;
}

const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-rematch-'));
try {
  const source = join(work, 'osv');
  copyOsvData(osvDataDir(), source);
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), source);
  const held = join(work, 'held.json');
  cpSync(join(source, WITHHELD), held);
  rmSync(join(source, WITHHELD));
  const dbPath = join(work, 'vuln.db');
  await updateVulnDb({ dbPath, source });

  const bases = [
    await analyzeImage(`docker-archive:${(await vulnerableNpmFixture()).archivePath}`, { cacheDir: false }),
    await analyzeImage(`docker-archive:${(await debianFixture()).archivePath}`, { cacheDir: false }),
  ];
  mkdirSync(join(work, 'state'));
  const store = await openStore(join(work, 'state', 'server.db'));
  const vulnDb = openVulnDb(dbPath);
  const seedStart = performance.now();
  for (let i = 0; i < N; i++) {
    const analysis = variant(bases[i % 2]!, i);
    const result = scanAnalysis(analysis, vulnDb, { scanners: ['vuln', 'secret', 'config'] });
    await recordScan(store.db, { result, analysis, source: 'registry' });
  }
  vulnDb.close();
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const rematcher = new Rematcher({ db: store.db, vulnDbPath: dbPath, watchSeconds: 3600 });
  await rematcher.check(); // records the current build, as a server's first start does
  cpSync(held, join(source, WITHHELD));
  await updateVulnDb({ dbPath, source });
  const run = await rematcher.check();
  if (!run) throw new Error('bench: the database update was not noticed');
  await store.close();

  const seconds = run.durationMs / 1000;
  const line = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
  console.log(`\nRe-match after a vulnerability database update (${N} stored images, npm + Debian analyses)`);
  line('seeding (scan + record)', `${seedSeconds.toFixed(1)} s`);
  line('re-match', `${seconds.toFixed(2)} s (${(run.rematched / seconds).toFixed(0)} images/s)`);
  line('images re-matched / skipped / failed', `${run.rematched} / ${run.skipped} / ${run.failed}`);
  line('images with new vulnerabilities', `${run.imagesWithNewVulnerabilities}`);
  line(`ratio to the ${TARGET_SECONDS} s target`, `${(seconds / TARGET_SECONDS).toFixed(3)} (${seconds < TARGET_SECONDS ? 'within' : 'OVER'} target)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
