/**
 * `bulkhead server --database postgres://...` against a real PostgreSQL (Debian package
 * `postgresql`, started by the test harness on loopback): readiness names the dialect, a policy
 * change and the audit chain work, a restart keeps the data, `bulkhead audit verify --database`
 * checks the same chain, and the database password never reaches the output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PostgresCluster } from '../harness/postgres.js';
import { startServerProcess } from '../harness/server-process.js';

let cluster: PostgresCluster;
const stateDir = mkdtempSync(join(tmpdir(), 'bulkhead-server-pg-'));
before(async () => {
  cluster = await startPostgres();
});
after(async () => {
  await cluster?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

test('the server on PostgreSQL: ready, policies, audit chain, data kept across a restart', async () => {
  const url = await cluster.createDatabase();
  const password = new URL(url).password;
  const first = await startServerProcess(['--no-background', '--database', url], { stateDir });
  let output = '';
  try {
    assert.deepEqual(await (await fetch(first.url + '/readyz')).json(), { status: 'ready', database: 'postgres' });
    const put = await first.api('/api/v1/policies/prod', { method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: 'version: 1\nname: prod\n' });
    assert.equal(put.status, 200, await put.text());
    const again = await first.api('/api/v1/policies/prod', { method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: 'version: 1\nname: prod\ntrust:\n  registries: ["127.0.0.1:5000"]\n' });
    assert.deepEqual(await again.json(), { name: 'prod', version: 2 });
    assert.deepEqual(await (await first.api('/api/v1/audit/verify')).json(), { ok: true, rows: 2 });
  } finally {
    await first.stop();
    output += first.stderr();
  }

  const second = await startServerProcess(['--no-background', '--database', url], { stateDir });
  try {
    assert.equal(second.adminToken, first.adminToken, 'no second bootstrap: the users were kept');
    const policy = (await (await second.api('/api/v1/policies/prod')).json()) as { version: number; yaml: string };
    assert.equal(policy.version, 2);
    assert.match(policy.yaml, /127\.0\.0\.1:5000/u);
    const versions = (await (await second.api('/api/v1/policies/prod/versions')).json()) as unknown[];
    assert.equal(versions.length, 2);
    const denied = await second.api('/api/v1/policies/prod', { token: 'bh_00000000_' + 'A'.repeat(43), method: 'PUT', body: 'x' });
    assert.equal(denied.status, 401);
    assert.deepEqual(await (await second.api('/api/v1/audit/verify')).json(), { ok: true, rows: 2 });
  } finally {
    await second.stop();
    output += second.stderr();
  }

  const verify = await runCli(['audit', 'verify', '--state-dir', stateDir, '--database', url]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /intact: 2 rows/u);
  assert.match(output, /database postgres:\/\/bulkhead@127\.0\.0\.1/u, 'the output names the database without its password');
  assert.ok(!(output + verify.stdout + verify.stderr).includes(password), 'the database password is never printed');
});
