/**
 * Vulnerability database at scale (not part of `npm run bench`'s Trivy comparison; run with
 * `node --import tsx bench/vuln-db-read.ts [RECORDS]`): builds a synthetic npm `all.zip` of RECORDS
 * records (default 60,000) cloned from the real shared OSV records with distinct ids and package names,
 * times a full update and a no-change update from it, then times matching-style reads: 1,000 package
 * lookups with `affectedForMany` (half of them hits) and `record()` for every hit. Prints, never asserts.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../test/harness/exec.js';
import { osvDataDir } from '../test/harness/osv-mirror.js';
import { openVulnDb, updateVulnDb } from '../src/vuln/db/index.js';
import type { OsvRecord } from '../src/vuln/db/types.js';

const total = Number(process.argv[2] ?? 60_000);
const work = mkdtempSync(join(tmpdir(), 'bulkhead-vulndb-bench-'));
try {
  const data = osvDataDir();
  const templates: OsvRecord[] = readdirSync(data)
    .filter((d) => statSync(join(data, d)).isDirectory())
    .flatMap((d) => readdirSync(join(data, d)).map((f) => JSON.parse(readFileSync(join(data, d, f), 'utf8')) as OsvRecord))
    .filter((r) => !r.withdrawn);
  const records = join(work, 'records');
  mkdirSync(records);
  for (let i = 0; i < total; i++) {
    const r = structuredClone(templates[i % templates.length]!);
    r.id = `BENCH-${i}`;
    r.aliases = [`CVE-2099-${i}`];
    r.affected = (r.affected ?? []).map((a, j) => ({ ...a, package: { ecosystem: 'npm', name: `pkg-${i % 20_000}-${j}` } }));
    writeFileSync(join(records, `BENCH-${i}.json`), JSON.stringify(r));
  }
  mkdirSync(join(work, 'mirror', 'npm'), { recursive: true });
  await run('zip', ['-q', '-r', '-X', join(work, 'mirror', 'npm', 'all.zip'), '.'], { cwd: records });
  const dbPath = join(work, 'db', 'vuln.db');
  let t = performance.now();
  await updateVulnDb({ dbPath, source: join(work, 'mirror'), ecosystems: ['npm'] });
  const fullMs = performance.now() - t;
  const dbBytes = statSync(dbPath).size;
  t = performance.now();
  await updateVulnDb({ dbPath, source: join(work, 'mirror'), ecosystems: ['npm'] });
  const unchangedMs = performance.now() - t;

  const db = openVulnDb(dbPath);
  const keys = Array.from({ length: 1000 }, (_, i) => ({ ecosystemBase: 'npm', name: i % 2 ? `pkg-${(i * 7919) % 20_000}-0` : `absent-${i}` }));
  const timings: number[] = [];
  let hits = 0;
  for (let round = 0; round < 5; round++) {
    t = performance.now();
    const found = db.affectedForMany(keys);
    hits = 0;
    const ids = new Set<string>();
    for (const list of found.values()) for (const a of list) (hits++, ids.add(a.vulnId));
    for (const id of ids) db.record(id);
    timings.push(performance.now() - t);
  }
  db.close();
  timings.sort((a, b) => a - b);
  console.log(`records: ${total}, zip: ${(statSync(join(work, 'mirror', 'npm', 'all.zip')).size / 1e6).toFixed(1)} MB, database: ${(dbBytes / 1e6).toFixed(1)} MB (${((dbBytes / total) * 1000 / 1e6).toFixed(2)} MB per 1,000 records)`);
  console.log(`full update: ${(fullMs / 1000).toFixed(1)} s; unchanged update: ${unchangedMs.toFixed(0)} ms`);
  console.log(`1,000 lookups (affectedForMany + record() of ${hits} hits): median ${timings[2]!.toFixed(1)} ms, first ${Math.max(...timings).toFixed(1)} ms`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
