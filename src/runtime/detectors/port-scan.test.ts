import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuntimeConfig } from '../config/schema.js';
import { portScanDetector } from './port-scan.js';
import { durationMs } from './duration.js';
import { obs } from './test-observations.js';

const config = defaultRuntimeConfig().detectors.portScan;
const windowMs = durationMs(config.window);
const t0 = 1_700_000_000_000;

test('distinct ports reaching the threshold within the window alert once per burst', () => {
  const d = portScanDetector(config);
  const step = Math.floor(windowMs / (config.ports * 2));
  const out = [];
  for (let i = 0; i < config.ports * 2; i++) {
    out.push(...d.observe(obs('connect', { comm: 'nmap', address: '10.0.0.9', port: 1 + i, timeMs: t0 + i * step })));
  }
  assert.equal(out.length, 1, 'one detection for the whole burst');
  const [detection] = out;
  assert.equal(detection!.rule, 'BH-RT-102');
  assert.equal(detection!.details!['distinctPorts'], config.ports);
  assert.equal(detection!.details!['firstPort'], 1);
  assert.equal(detection!.details!['lastPort'], config.ports);
  assert.equal(detection!.response, config.response);
  // A quiet window re-arms: a second burst is a second detection.
  const later = t0 + config.ports * 2 * step + windowMs;
  let again = 0;
  for (let i = 0; i < config.ports; i++) again += d.observe(obs('connect', { comm: 'nmap', address: '10.0.0.9', port: 1 + i, timeMs: later + i })).length;
  assert.equal(again, 1);
});

test('ports spread wider than the window do not alert; repeated ports do not count twice', () => {
  const d = portScanDetector(config);
  const step = Math.ceil(windowMs / (config.ports - 2));
  let n = 0;
  for (let i = 0; i < config.ports * 3; i++) n += d.observe(obs('connect', { port: 1 + i, timeMs: t0 + i * step })).length;
  for (let i = 0; i < config.ports * 3; i++) n += d.observe(obs('connect', { port: 1 + (i % (config.ports - 1)), timeMs: t0 + 1e9 + i })).length;
  assert.equal(n, 0);
});

test('distinct hosts reaching the threshold alert; other process families count apart', () => {
  const d = portScanDetector(config);
  let n = 0;
  for (let i = 0; i < config.hosts - 1; i++) {
    n += d.observe(obs('connect', { comm: 'curl', address: `192.0.2.${i + 1}`, port: 443, timeMs: t0 + i })).length;
    n += d.observe(obs('connect', { comm: 'wget', address: `198.51.100.${i + 1}`, port: 443, timeMs: t0 + i })).length;
  }
  assert.equal(n, 0, `${config.hosts - 1} hosts per family stay below ${config.hosts}`);
  const out = d.observe(obs('connect', { comm: 'curl', address: '203.0.113.1', port: 443, timeMs: t0 + config.hosts }));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.details!['distinctHosts'], config.hosts);
  assert.equal(out[0]!.details!['trigger'], 'hosts');
});

test('containers are counted apart and forgotten', () => {
  const d = portScanDetector({ ...config, ports: 3 });
  const c2 = { ...obs('connect').container, ref: { ...obs('connect').container.ref, id: 'c2' } };
  assert.equal(d.observe(obs('connect', { port: 1 })).length, 0);
  assert.equal(d.observe(obs('connect', { port: 2, container: c2 })).length, 0);
  assert.equal(d.observe(obs('connect', { port: 3, container: c2 })).length, 0);
  assert.equal(d.observe(obs('connect', { port: 3 })).length, 0);
  assert.equal(d.observe(obs('connect', { port: 4 })).length, 1);
  d.forget!('c1');
  assert.equal(d.observe(obs('connect', { port: 5 })).length, 0);
});
