/**
 * The `bulkhead db` command as a user runs it: an update process SIGKILLed mid-download leaves a
 * working database; export → import round trip; tampered bundles refused; CISA KEV and FIRST EPSS
 * files loaded from the source root.
 *
 * Until `dbCommand` is wired into src/cli/main.ts, the process tests run `dbCommand` through a tiny
 * runner script; the test through the real `bulkhead` entry point runs once it is wired.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BulkheadError } from '../../src/errors.js';
import { exportVulnDb, importVulnDb, openVulnDb, updateVulnDb } from '../../src/vuln/db/index.js';
import { cliCommand, REPO_ROOT, runCli } from '../harness/cli.js';
import { buildOsvExports, copyOsvData, dataEcosystems, expectedExport, osvDataDir, serveOsvMirror, type OsvMirror } from '../harness/osv-mirror.js';

let work: string;
let data: string;
let mirrorRoot: string;
let mirror: OsvMirror;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-vulndb-cli-'));
  data = copyOsvData(osvDataDir(), join(work, 'data'));
  mirrorRoot = await buildOsvExports(data, join(work, 'mirror'));
  mirror = await serveOsvMirror(mirrorRoot);
});

after(async () => {
  await mirror.close();
  rmSync(work, { recursive: true, force: true });
});

const wired = readFileSync(join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'utf8').includes('dbCommand');

/** `bulkhead db ARGS` as a process: the real entry point once wired, else `dbCommand` through a runner. */
function dbProcessArgs(args: string[]): { command: string; args: string[] } {
  if (wired) {
    const { command, args: prefix } = cliCommand();
    return { command, args: [...prefix, 'db', ...args] };
  }
  const runner = join(work, 'run-db.ts');
  if (!existsSync(runner)) {
    writeFileSync(
      runner,
      `import { dbCommand } from ${JSON.stringify(join(REPO_ROOT, 'src', 'cli', 'db.ts'))};\n` +
        `const ctx = { version: 'test', reporter: () => ({ task: () => ({ advance() {}, setTotal() {}, done() {} }), warn: (m) => process.stderr.write('warning: ' + m + '\\n'), debug() {}, stop() {} }) };\n` +
        `try { await dbCommand(ctx).parseAsync(process.argv.slice(2), { from: 'user' }); }\n` +
        `catch (e) { process.stderr.write('bulkhead: error: ' + e.message + ' [' + e.code + ']\\n'); process.exitCode = 1; }\n`,
    );
  }
  return { command: process.execPath, args: ['--import', 'tsx', runner, ...args] };
}

const statusOf = (path: string) => {
  const db = openVulnDb(path);
  try {
    return { ...db.status(), path: '' };
  } finally {
    db.close();
  }
};

describe('bulkhead db', () => {
  test('an update process killed mid-download leaves the previous database working', async () => {
    const dbPath = join(work, 'killed', 'vuln.db');
    await updateVulnDb({ dbPath, source: mirror.url });
    const before = statusOf(dbPath);
    // New bytes for Go, so the next update downloads it; the mirror stalls it halfway.
    const goFile = join(data, 'Go', readdirSync(join(data, 'Go')).sort()[0]!);
    utimesSync(goFile, new Date(Date.UTC(2021, 0, 1)), new Date(Date.UTC(2021, 0, 1)));
    await buildOsvExports(data, mirrorRoot, ['Go']);
    mirror.cut('/Go/all.zip', 'stall');
    const reached = mirror.cutReached();
    const { command, args } = dbProcessArgs(['update', '--source', mirror.url, '--db', dbPath]);
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await reached;
    assert.ok(existsSync(`${dbPath}.lock`), 'the update holds the lock while downloading');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    mirror.cut(undefined);

    assert.deepEqual(statusOf(dbPath), before, 'previous database unchanged');
    const db = openVulnDb(dbPath);
    assert.ok(db.affectedFor('npm', 'lodash').length > 0);
    db.close();
    // The next update takes over the stale lock, clears the leftovers and completes.
    const result = await updateVulnDb({ dbPath, source: mirror.url });
    assert.equal(result.ecosystems.find((e) => e.ecosystem === 'Go')?.state, 'updated');
    assert.deepEqual(readdirSync(join(work, 'killed')), ['vuln.db']);
  });

  test('export then import on a fresh path gives the same status; a tampered bundle is refused', async () => {
    const dbPath = join(work, 'export', 'vuln.db');
    await updateVulnDb({ dbPath, source: mirror.url });
    const bundle = join(work, 'vulndb.bundle');
    const manifest = await exportVulnDb(dbPath, bundle);
    assert.ok(statSync(bundle).size < statSync(dbPath).size, 'the bundle is compressed');
    const imported = join(work, 'import', 'vuln.db');
    await importVulnDb(bundle, imported);
    assert.deepEqual(statusOf(imported), statusOf(dbPath));
    assert.equal(manifest.sha256.length, 64);

    const original = readFileSync(bundle);
    const tampered = (label: string, bytes: Buffer) => {
      const path = join(work, `${label}.bundle`);
      writeFileSync(path, bytes);
      return path;
    };
    // A flipped byte in the compressed database.
    const flipped = Buffer.from(original);
    flipped[flipped.length - 200]! ^= 0x01;
    // A manifest whose checksum was edited.
    const text = original.toString('latin1');
    const edited = Buffer.from(text.replace(manifest.sha256, manifest.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'))), 'latin1');
    // A different database under the original manifest.
    const nl = original.indexOf(0x0a, original.indexOf(0x0a) + 1);
    const swapped = Buffer.concat([original.subarray(0, nl + 1), gzipSync(Buffer.from('SQLite format 3\0 but not really'))]);
    const before = statusOf(imported);
    for (const [label, bytes] of [['flipped', flipped], ['edited', edited], ['swapped', swapped]] as const) {
      const path = tampered(label, bytes);
      await assert.rejects(importVulnDb(path, imported), (e: unknown) => e instanceof BulkheadError && e.code === 'BUNDLE_INVALID' && e.message.includes(path), label);
      assert.deepEqual(statusOf(imported), before, `${label}: the installed database is untouched`);
    }
    assert.deepEqual(readdirSync(join(work, 'import')), ['vuln.db']);
  });

  test('CISA KEV and FIRST EPSS files at the source root are loaded', async () => {
    const root = join(work, 'kev-source');
    await buildOsvExports(data, root, ['npm']);
    const npmIds = expectedExport(data, 'npm');
    const db0 = join(work, 'kev', 'vuln.db');
    // CVE ids taken from the real records' aliases, in CISA's catalog shape and FIRST's CSV shape.
    await updateVulnDb({ dbPath: db0, source: root, ecosystems: ['npm'] });
    const cves = (() => {
      const db = openVulnDb(db0);
      try {
        return [...npmIds.stored].flatMap((id) => db.aliasesOf(id)).filter((a) => a.startsWith('CVE-')).slice(0, 2);
      } finally {
        db.close();
      }
    })();
    assert.equal(cves.length, 2);
    const kev = {
      title: 'CISA Catalog of Known Exploited Vulnerabilities',
      catalogVersion: '2024.06.01',
      dateReleased: '2024-06-01T15:00:00.0000Z',
      count: 1,
      vulnerabilities: [
        {
          cveID: cves[0],
          vendorProject: 'test',
          product: 'test',
          vulnerabilityName: 'test entry',
          dateAdded: '2024-05-30',
          shortDescription: 'test',
          requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
          dueDate: '2024-06-20',
          knownRansomwareCampaignUse: 'Known',
          notes: '',
          cwes: ['CWE-1321'],
        },
      ],
    };
    writeFileSync(join(root, 'known_exploited_vulnerabilities.json'), JSON.stringify(kev, null, 2));
    const csv = `#model_version:v2023.03.01,score_date:2024-06-01T00:00:00+0000\ncve,epss,percentile\n${cves[0]},0.97511,0.99978\n${cves[1]},0.00043,0.08122\n`;
    writeFileSync(join(root, 'epss_scores-current.csv.gz'), gzipSync(csv));
    const result = await updateVulnDb({ dbPath: db0, source: root, ecosystems: ['npm'] });
    assert.equal(result.kev.state, 'updated');
    assert.equal(result.epss.records, 2);
    const db = openVulnDb(db0);
    try {
      assert.deepEqual(db.kev(cves[0]!), { cveId: cves[0], dateAdded: '2024-05-30', dueDate: '2024-06-20', knownRansomware: true });
      assert.equal(db.kev(cves[1]!), undefined);
      assert.deepEqual(db.epss(cves[1]!), { cveId: cves[1], score: 0.00043, percentile: 0.08122, date: '2024-06-01T00:00:00+0000' });
      assert.equal(db.status().kev, 1);
      assert.equal(db.status().epss, 2);
    } finally {
      db.close();
    }
  });

  test('through the bulkhead entry point: update, status, export, import, missing database', { skip: wired ? false : 'dbCommand is not wired into src/cli/main.ts yet (the lead wires it)' }, async () => {
    const env = { XDG_CACHE_HOME: join(work, 'xdg') };
    const update = await runCli(['db', 'update', '--source', mirror.fileUrl, '--ecosystems', dataEcosystems(data).join(',')], { env });
    assert.equal(update.code, 0, update.stderr);
    const defaultPath = join(work, 'xdg', 'bulkhead', 'vuln.db');
    assert.ok(existsSync(defaultPath), 'XDG_CACHE_HOME is honoured');
    const status = await runCli(['db', 'status', '--format', 'json'], { env });
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { path: string; records: number; ageDays: number };
    assert.equal(parsed.path, defaultPath);
    assert.equal(parsed.records, statusOf(defaultPath).records);
    assert.equal(parsed.ageDays, 0);
    const bundle = join(work, 'cli.bundle');
    assert.equal((await runCli(['db', 'export', bundle], { env })).code, 0);
    const other = join(work, 'cli-import', 'vuln.db');
    assert.equal((await runCli(['db', 'import', bundle, '--db', other], { env })).code, 0);
    assert.deepEqual(statusOf(other), statusOf(defaultPath));
    const missing = await runCli(['db', 'status', '--db', join(work, 'none', 'vuln.db')], { env });
    assert.equal(missing.code, 3, missing.stderr);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /bulkhead db update/);
  });
});
