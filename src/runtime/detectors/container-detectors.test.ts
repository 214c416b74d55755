// database-egress, root and ttl: detectors keyed on what the container is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_INTERNAL_NETWORKS, defaultRuntimeConfig, runtimeConfigSchema } from '../config/schema.js';
import { databaseEgressDetector } from './database-egress.js';
import { internalNetworks } from './internal-networks.js';
import { rootDetector } from './root.js';
import { ttlDetector } from './ttl.js';
import { durationMs } from './duration.js';
import { imageMatches } from './image-glob.js';
import { container, obs } from './test-observations.js';

const config = defaultRuntimeConfig();

test('database egress: a database image reaching outside the internal networks, once per destination', () => {
  const d = databaseEgressDetector(config.detectors.databaseEgress, internalNetworks(config.networks));
  const redis = container({ imageName: 'redis', ref: { id: 'r1', name: 'cache', image: 'redis:7', imageDigest: 'sha256:1' } });
  const out = d.observe(obs('connect', { container: redis, address: '203.0.113.7', port: 4444 }));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.rule, 'BH-RT-106');
  assert.equal(out[0]!.details!['imageGlob'], '*redis*');
  assert.equal(d.observe(obs('connect', { container: redis, address: '203.0.113.7', port: 80 })).length, 0, 'same destination');
  assert.equal(d.observe(obs('connect', { container: redis, address: '::ffff:203.0.113.8', port: 80 })).length, 1);
  // Every default internal network's first address stays quiet.
  for (const cidr of DEFAULT_INTERNAL_NETWORKS) {
    assert.equal(d.observe(obs('connect', { container: redis, address: cidr.split('/')[0]!, port: 6379 })).length, 0, cidr);
  }
  assert.equal(d.observe(obs('connect', { container: redis, address: '198.51.100.1', port: 53, protocol: 'udp' })).length, 0, 'DNS');
  assert.equal(d.observe(obs('connect', { address: '203.0.113.7', port: 4444 })).length, 0, 'not a database image');
});

test('database egress: an empty internal list makes every destination outbound; custom image globs', () => {
  const parsed = runtimeConfigSchema.parse({ networks: { internal: [] }, detectors: { databaseEgress: { images: ['team/*-db'] } } });
  const d = databaseEgressDetector(parsed.detectors.databaseEgress, internalNetworks(parsed.networks));
  const db = container({ imageName: 'team/orders-db' });
  assert.equal(d.observe(obs('connect', { container: db, address: '10.0.0.5', port: 5432 })).length, 1);
  assert.equal(d.observe(obs('connect', { container: container({ id: 'x', imageName: 'postgres' }), address: '203.0.113.1' })).length, 0);
});

test('imageMatches: * is any run of characters and the whole name must match', () => {
  assert.equal(imageMatches('*postgres*', 'bitnami/postgresql'), true);
  assert.equal(imageMatches('redis', 'redis'), true);
  assert.equal(imageMatches('redis', 'redis-exporter'), false);
  assert.equal(imageMatches('registry.example.com/team/*', 'registry.example.com/team/a/b'), true);
  assert.equal(imageMatches('a.c', 'abc'), false, 'dots are literal');
});

test('root: uid 0, or an unknown uid with a root user, once per container', () => {
  const d = rootDetector(config.detectors.root);
  const cs = [
    container({ id: 'uid0', uid: 0, user: 'app' }),
    container({ id: 'uid1000', uid: 1000, user: '' }),
    container({ id: 'default', user: '' }),
    container({ id: 'root', user: 'root' }),
    container({ id: 'zero-group', user: '0:0' }),
    container({ id: 'named', user: 'app:app' }),
    container({ id: 'numeric', user: '1000' }),
  ];
  const first = d.tick!(0, cs).map((x) => x.container.ref.id);
  assert.deepEqual(first, ['uid0', 'default', 'root', 'zero-group']);
  assert.deepEqual(d.tick!(1000, cs), []);
  d.forget!('root');
  assert.deepEqual(d.tick!(2000, cs).map((x) => x.container.ref.id), ['root']);
});

test('ttl: older than the first matching entry maxAge, once per container, replace or alert', () => {
  const parsed = runtimeConfigSchema.parse({
    ttl: [
      { images: ['*nginx*'], maxAge: '1h', action: 'replace' },
      { images: ['*'], maxAge: '1d' },
    ],
  });
  const d = ttlDetector(parsed.ttl);
  const start = Date.parse('2024-01-01T00:00:00Z');
  const web = container({ id: 'web', imageName: 'nginx', startedAt: new Date(start).toISOString() });
  const app = container({ id: 'app', imageName: 'example/app', startedAt: new Date(start).toISOString() });
  assert.deepEqual(d.tick!(start + durationMs('1h'), [web, app]), [], 'exactly maxAge is not over it');
  const over = d.tick!(start + durationMs('1h') + 1, [web, app]);
  assert.equal(over.length, 1);
  assert.equal(over[0]!.response, 'replace');
  assert.equal(over[0]!.rule, 'BH-RT-110');
  assert.deepEqual(d.tick!(start + durationMs('1d') + 1, [web, app]).map((x) => [x.container.ref.id, x.response]), [['app', 'alert']]);
});
