import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuntimeConfig } from '../config/schema.js';
import { badIpDetector } from './bad-ip.js';
import { IpSet } from './ip-set.js';
import { addReputationText, type ReputationMatch } from './reputation-list.js';
import { obs } from './test-observations.js';

function lists() {
  const set = new IpSet<ReputationMatch>();
  addReputationText(set, '; Spamhaus DROP List\n1.10.16.0/20 ; SBL256894\n', '/lists/drop.txt');
  addReputationText(set, '# firehol\n5.188.10.179\n', '/lists/firehol_level1.netset');
  return { lookup: (a: string) => set.lookup(a)?.value, has: (a: string) => set.has(a) };
}

test('a connection to a listed address names the list, entry and destination', () => {
  const config = defaultRuntimeConfig().reputation;
  const d = badIpDetector(config, lists());
  const out = d.observe(obs('connect', { address: '1.10.20.1', port: 443, comm: 'curl' }));
  assert.equal(out.length, 1);
  const det = out[0]!;
  assert.equal(det.rule, 'BH-RT-101');
  assert.equal(det.severity, 'high');
  assert.equal(det.response, config.response);
  assert.deepEqual(det.details, { destination: '1.10.20.1', port: 443, protocol: 'tcp', list: 'drop.txt', entry: '1.10.16.0/20', comment: 'SBL256894' });
  assert.match(det.reason, /1\.10\.20\.1:443.*drop\.txt.*1\.10\.16\.0\/20.*SBL256894/u);
  assert.equal(d.observe(obs('connect', { address: '1.10.20.1', port: 443 })).length, 0, 'same process and destination');
  assert.equal(d.observe(obs('connect', { address: '1.10.20.1', pid: 9, port: 443 })).length, 1, 'another process');
  assert.equal(d.observe(obs('connect', { address: '::ffff:5.188.10.179', family: 6, port: 80 }))[0]!.details!['list'], 'firehol_level1.netset');
  assert.equal(d.observe(obs('connect', { address: '1.10.32.1' })).length, 0);
  assert.equal(d.observe(obs('listen', { address: '1.10.20.1' })).length, 0);
});

test('the response follows the config', () => {
  const d = badIpDetector({ lists: [], response: 'kill' }, lists());
  assert.equal(d.observe(obs('connect', { address: '5.188.10.179' }))[0]!.response, 'kill');
});
