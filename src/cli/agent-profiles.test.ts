import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/harness/cli.js';
import { learnObservation, ProfileStore } from '../runtime/profiles/index.js';
import { connect, exec } from '../runtime/profiles/testing/observations.js';
import { EXIT } from './exit-codes.js';

test('bulkhead agent profiles list, show and set-mode through the real CLI entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-cli-profiles-'));
  try {
    const store = new ProfileStore(dir);
    const redis = await store.create('redis', 'learn', new Date('2026-11-24T10:00:00Z'), '7d');
    learnObservation(redis, exec('/usr/local/bin/redis-server', ''));
    learnObservation(redis, connect('10.0.0.5', 5432));
    await store.save(redis, new Date('2026-11-24T11:00:00Z'));
    await store.create('registry.example.com/team/app', 'monitor', new Date('2026-11-24T10:00:00Z'));

    const list = await runCli(['agent', 'profiles', 'list', '--dir', dir]);
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/u));
    assert.deepEqual(rows[0], ['IMAGE', 'MODE', 'VERSION', 'EXECUTABLES', 'PROCESSES', 'LISTENING', 'OUTBOUND', 'WRITES', 'UPDATED']);
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[2], r[3], r[6]]), [
      ['redis', '2', '1', '1'],
      ['registry.example.com/team/app', '1', '0', '0'],
    ]);
    assert.match(rows[1]![1]!, /^learn \(until 2026-12-01T10:00:00Z\)$/u);

    // the default folder comes from BULKHEAD_PROFILES_DIR; show prints the stored YAML
    const show = await runCli(['agent', 'profiles', 'show', 'redis'], { env: { BULKHEAD_PROFILES_DIR: dir } });
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.stdout, (await store.read('redis'))!.text);

    const set = await runCli(['agent', 'profiles', 'set-mode', 'redis', 'protect', '--dir', dir]);
    assert.equal(set.code, 0, set.stderr);
    const after = (await store.get('redis'))!;
    assert.equal(after.mode, 'protect');
    assert.equal(after.version, 3);
    assert.equal(after.learnUntil, undefined);
    assert.deepEqual(readdirSync(join(dir, 'history')).sort(), ['redis.v1.yaml', 'redis.v2.yaml']);

    const unknown = await runCli(['agent', 'profiles', 'show', 'nginx', '--dir', dir]);
    assert.equal(unknown.code, EXIT.INPUT);
    assert.match(unknown.stderr, /no behaviour profile for image "nginx" in .*\[INPUT_NOT_FOUND\]/u);
    const unknownSet = await runCli(['agent', 'profiles', 'set-mode', 'nginx', 'monitor', '--dir', dir]);
    assert.equal(unknownSet.code, EXIT.INPUT);
    const badMode = await runCli(['agent', 'profiles', 'set-mode', 'redis', 'enforce', '--dir', dir]);
    assert.equal(badMode.code, EXIT.USAGE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
