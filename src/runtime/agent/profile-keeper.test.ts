import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectingReporter } from '../../progress.js';
import { defaultRuntimeConfig } from '../config/index.js';
import { ProfileStore } from '../profiles/index.js';
import { connect, exec } from '../profiles/testing/observations.js';
import { ProfileKeeper } from './profile-keeper.js';

function keeper(dir: string, learnFor?: string): ProfileKeeper {
  const config = defaultRuntimeConfig().profiles;
  return new ProfileKeeper(new ProfileStore(dir), learnFor ? { ...config, learnFor } : config, collectingReporter(), 0);
}

test('learns into a new profile, saves it, and honours a mode set on disk while running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-keeper-'));
  try {
    const k = keeper(dir);
    await k.load();
    assert.equal(k.observe(exec('/usr/local/bin/redis-server', ''), 'protect'), undefined, 'a new image learns, whatever the agent mode');
    assert.equal(k.observe(connect('10.0.0.5', 5432), 'protect'), undefined);
    k.tick(Date.now());
    await k.flush();
    const store = new ProfileStore(dir);
    const saved = await store.get('redis');
    assert.ok(saved);
    assert.deepEqual(saved.executables, ['/usr/local/bin/redis-server']);
    assert.equal(saved.outbound[0]?.address, '10.0.0.5');

    await store.setMode('redis', 'protect');
    k.tick(Date.now());
    await k.flush();
    assert.equal(k.profile('redis')?.mode, 'protect');
    // known behaviour is quiet; a new destination deviates, once, with the profile's response
    assert.equal(k.observe(connect('10.0.0.5', 5432), 'protect'), undefined);
    const deviation = k.observe(connect('127.0.0.9', 1234), 'protect');
    assert.equal(deviation?.type, 'profile-deviation');
    assert.equal(deviation?.response, 'kill');
    assert.match(deviation?.reason ?? '', /outbound connection to 127\.0\.0\.9:1234/);
    assert.equal(k.observe(connect('127.0.0.9', 1234), 'protect'), undefined, 'reported once');
    // an agent in monitor mode caps a protect profile: alert only
    const capped = keeper(dir);
    await capped.load();
    assert.equal(capped.observe(exec('/tmp/new', '/usr/local/bin/redis-server'), 'monitor')?.response, 'alert');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a timed learning period moves the profile to the configured mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-keeper-'));
  try {
    const k = keeper(dir, '30s');
    await k.load();
    const observation = exec('/bin/sh', '');
    k.observe(observation, 'protect');
    const learnUntil = Date.parse(k.profile('redis')!.learnUntil!);
    assert.equal(learnUntil - Math.floor(observation.timeMs / 1000) * 1000, 30_000);
    k.tick(learnUntil - 1000);
    assert.equal(k.profile('redis')?.mode, 'learn');
    k.tick(learnUntil + 1);
    assert.equal(k.profile('redis')?.mode, 'monitor');
    await k.flush();
    assert.equal((await new ProfileStore(dir).get('redis'))?.mode, 'monitor');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
