import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuntimeConfig, runtimeConfigSchema } from '../config/schema.js';
import { createDetectors, IpSet } from './index.js';

test('the default config yields every detector enabled by default; bad-ip only with lists, ttl only with entries', () => {
  const config = defaultRuntimeConfig();
  const names = createDetectors(config).map((d) => d.name);
  const enabled = Object.entries(config.detectors)
    .filter(([, v]) => v.enabled)
    .map(([k]) => k.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`));
  assert.deepEqual(names.sort(), enabled.sort());
  const reputation = { set: { lookup: () => undefined, has: () => false }, count: 1 };
  assert.ok(createDetectors(config, { reputation }).some((d) => d.name === 'bad-ip'));
  const withTtl = runtimeConfigSchema.parse({ ttl: [{ images: ['*'], maxAge: '7d' }] });
  assert.ok(createDetectors(withTtl).some((d) => d.name === 'ttl'));
  assert.ok(IpSet.of(['10.0.0.0/8']).has('10.1.2.3'));
});

test('disabled detectors are left out', () => {
  const config = runtimeConfigSchema.parse({ detectors: { shell: { enabled: false }, portScan: { enabled: false } } });
  const names = createDetectors(config).map((d) => d.name);
  assert.ok(!names.includes('shell') && !names.includes('port-scan'));
  assert.ok(names.includes('fork-bomb'));
});
