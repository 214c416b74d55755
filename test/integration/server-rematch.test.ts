/**
 * Issue 8, must show: after `db update` adds a real OSV record that affects a stored image, the
 * server re-matches the stored analysis (no image is read again), the image shows the new finding,
 * and an alert reaches a local webhook receiver. The image is scanned through the real scan code
 * (the vulnerable npm fixture, real npm packages), the database is built with the real update path
 * from real OSV records, and the expected package and fixed version come from the record file and
 * npm's own inventory of the image, not from the matcher. The archive the image was scanned from is
 * deleted before the update: a re-match that tried to open an image source would fail.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../harness/cli.js';
import { copyOsvData, osvDataDir } from '../harness/osv-mirror.js';
import { vulnerableNpmFixture } from '../harness/vulnerable-npm-fixture.js';
import { scanImage } from '../../src/scan/index.js';
import { buildServer, recordScan, type BulkheadServer } from '../../src/server/index.js';
import { createToken } from '../../src/server/auth/tokens.js';
import { createUser } from '../../src/server/auth/users.js';
import type { Rematcher } from '../../src/server/rematch/index.js';
import type { Alert } from '../../src/server/alerts/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { updateVulnDb, type OsvRecord } from '../../src/vuln/index.js';

const WITHHELD = join('npm', 'GHSA-p6mc-m468-83gw.json');

let work: string;
let store: Store;
let server: BulkheadServer;
let receiver: Server;
const received: Alert[] = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulkhead-server-rematch-'));
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as Alert);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});

after(async () => {
  await server?.app.close();
  await store?.close();
  await new Promise((r) => receiver?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a database update with a new record re-matches the stored image and alerts, without reading the image', async () => {
  // the real records (shared and the project's own), minus one affecting lodash
  const source = join(work, 'osv');
  copyOsvData(osvDataDir(), source);
  copyOsvData(resolve(REPO_ROOT, 'test', 'data', 'osv'), source);
  const record = JSON.parse(readFileSync(join(source, WITHHELD), 'utf8')) as OsvRecord;
  cpSync(join(source, WITHHELD), join(work, 'held.json'));
  rmSync(join(source, WITHHELD));
  const dbPath = join(work, 'vuln.db');
  await updateVulnDb({ dbPath, source });

  // the image, scanned through the real code from a copy of the fixture archive
  const fixture = await vulnerableNpmFixture();
  const lodash = fixture.installed.find((p) => p.name === 'lodash');
  assert.ok(lodash, 'the fixture installs lodash');
  const archive = join(work, 'image.tar');
  cpSync(fixture.archivePath, archive);
  const scan = await scanImage(`docker-archive:${archive}`, { dbPath, cacheDir: false, scanners: ['vuln', 'secret', 'config'] });
  assert.ok(!scan.result.findings.some((f) => f.vulnerability?.records.includes(record.id)), 'the withheld record is not matched yet');

  store = await openStore(join(work, 'state', 'server.db'));
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  server = await buildServer({
    store,
    masterKey: randomBytes(32),
    logger: false,
    config: { stateDir: join(work, 'state'), vulnDbPath: dbPath, cacheDir: false, alerts: { webhooks: [webhook], slack: [] }, dbWatchSeconds: 1, background: true },
  });
  const recorded = await recordScan(store.db, { result: scan.result, analysis: scan.analysis, source: 'ci', repository: 'ci.local/vulnerable-app', tags: ['1'] });
  const otherFindings = scan.result.findings.filter((f) => f.kind !== 'vulnerability').map((f) => f.id).sort();
  const admin = await createUser(store.db, 'admin', 'admin');
  const { token } = await createToken(store.db, admin.id, 'test');
  const api = (path: string, init: RequestInit = {}) => server.app.inject({ method: (init.method ?? 'GET') as 'GET', url: path, headers: { authorization: `Bearer ${token}` } });

  const rematcher = server.ctx.services.get('rematcher') as Rematcher;
  // the watcher's first look records the build the image was scanned with
  for (let i = 0; i < 50 && !rematcher.status().dbBuild; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(rematcher.status().dbBuild, 'the re-matcher looked at the database');

  rmSync(archive); // nothing may read the image again
  cpSync(join(work, 'held.json'), join(source, WITHHELD));
  const update = await updateVulnDb({ dbPath, source });
  assert.equal(update.changed, true);

  // within the watch interval (1 s) plus the re-match: the alert arrives at the webhook
  const deadline = Date.now() + 15_000;
  while (!received.some((a) => a.kind === 'new-vulnerability') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const alert = received.find((a) => a.kind === 'new-vulnerability');
  assert.ok(alert, `an alert reached the webhook (re-match status: ${JSON.stringify(rematcher.status())})`);
  assert.equal(alert.image?.digest, recorded.imageDigest);
  assert.equal(alert.image?.repository, 'ci.local/vulnerable-app');
  assert.deepEqual(alert.image?.tags, ['1']);
  assert.equal(alert.link, `/images/${encodeURIComponent(recorded.imageDigest)}`);
  const ids = alert.details.vulnerabilities!.map((v) => v.id);
  // a finding is named by the preferred id of the record's group (its CVE alias when it has one)
  const names = [record.id, ...(record.aliases ?? [])];
  assert.equal(ids.length, 1, `only the added record is new: ${ids.join(', ')}`);
  assert.ok(names.includes(ids[0]!), `${ids[0]} is ${record.id} or one of its aliases`);
  const newId = ids[0]!;
  const fixed = record.affected!.find((a) => a.package?.name === 'lodash')!.ranges![0]!.events.find((e) => e.fixed)!.fixed;
  assert.equal(alert.details.vulnerabilities![0]!.package, 'lodash');
  assert.equal(alert.details.vulnerabilities![0]!.version, lodash.version);
  assert.equal(alert.details.vulnerabilities![0]!.fixedVersion, fixed);

  const run = rematcher.status().lastRun!;
  assert.equal(run.trigger, 'database');
  assert.equal(run.rematched, 1);
  assert.equal(run.failed, 0);

  // the image shows the finding: through the API when the images routes exist, else in the store
  const image = await store.db.selectFrom('images').selectAll().where('digest', '=', recorded.imageDigest).executeTakeFirstOrThrow();
  assert.notEqual(image.scan_id, recorded.scanId, 'a new scan is the latest');
  const viaApi = await api(`/api/v1/images/${encodeURIComponent(recorded.imageDigest)}/findings`);
  if (viaApi.statusCode === 200) {
    assert.match(viaApi.body, new RegExp(newId));
  } else {
    const rows = await store.db.selectFrom('findings').selectAll().where('scan_id', '=', image.scan_id!).execute();
    const row = rows.find((r) => r.finding_id === newId);
    assert.ok(row, 'the latest scan has the new finding');
    assert.equal(row.package_name, 'lodash');
    assert.equal(row.fixed_version, fixed);
    // the other scanners' findings are carried over as they were
    assert.deepEqual(rows.filter((r) => r.kind !== 'vulnerability').map((r) => r.finding_id).sort(), otherFindings);
  }
  const scanRow = await store.db.selectFrom('scans').select(['source']).where('id', '=', image.scan_id!).executeTakeFirstOrThrow();
  assert.equal(scanRow.source, 'rematch');

  // the alert is stored with its delivery outcome, and listed by the API
  const alerter = server.ctx.services.get('alerter') as { idle(): Promise<void> };
  await alerter.idle();
  const listed = JSON.parse((await api('/api/v1/alerts?kind=new-vulnerability')).body) as { alerts: (Alert & { delivery: Record<string, { ok: boolean; attempts: number }> })[]; total: number };
  assert.equal(listed.total, 1);
  assert.equal(listed.alerts[0]!.id, alert.id);
  assert.deepEqual(Object.values(listed.alerts[0]!.delivery).map((d) => [d.ok, d.attempts]), [[true, 1]]);
});
