import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { requireCommand } from '../../../test/harness/exec.js';
import { profileDeviation } from './deviation.js';
import { addressMatches } from './profile-match.js';
import { connect, emptyProfile, exec, listen, others, write } from './testing/observations.js';

function redisProfile() {
  const p = emptyProfile('redis', 3);
  p.executables.push('/bin/sh', '/usr/local/bin/redis-server');
  p.processes.push({ parent: '(outside)', child: '/bin/sh' }, { parent: '/bin/sh', child: '/usr/local/bin/redis-server' });
  p.listening.push({ protocol: 'tcp', port: 6379 });
  p.outbound.push({ protocol: 'tcp', address: '10.0.0.5', port: 5432 }, { protocol: 'udp', address: '2001:db8::/32' });
  p.writes.push('/data/**', '/tmp/*.log');
  return p;
}

test('what the profile holds is no deviation', () => {
  const p = redisProfile();
  for (const o of [exec('/bin/sh', ''), exec('/usr/local/bin/redis-server', '/bin/sh'), listen(6379), connect('10.0.0.5', 5432), connect('2001:db8:1::9', 53, 'udp'), write('/data/a/b/dump.rdb'), write('/tmp/x.log'), ...others]) {
    assert.equal(profileDeviation(p, o), undefined, JSON.stringify(o));
  }
});

test('each kind of deviation is named, with the image and the profile version', () => {
  const p = redisProfile();
  assert.deepEqual(profileDeviation(p, exec('/tmp/x', '/bin/sh')), { what: 'executable', reason: 'executable /tmp/x is not in the profile of image redis (version 3)' });
  assert.deepEqual(profileDeviation(p, exec('/usr/local/bin/redis-server', '')), {
    what: 'process',
    reason: 'process /usr/local/bin/redis-server started by (outside) is not in the profile of image redis (version 3)',
  });
  assert.equal(profileDeviation(p, listen(6380))?.what, 'listen');
  assert.match(profileDeviation(p, listen(6379, 'udp'))!.reason, /^listening on port 6379\/udp is not in the profile of image redis/u);
  assert.deepEqual(profileDeviation(p, connect('127.0.0.9', 1234)), {
    what: 'outbound',
    reason: 'outbound connection to 127.0.0.9:1234/tcp is not in the profile of image redis (version 3)',
  });
  assert.equal(profileDeviation(p, connect('10.0.0.5', 5433))?.what, 'outbound', 'another port of a listed host');
  assert.equal(profileDeviation(p, connect('10.0.0.5', 5432, 'udp'))?.what, 'outbound', 'another protocol');
  assert.match(profileDeviation(p, connect('2001:db9::1', 53, 'udp'))!.reason, /to \[2001:db9::1\]:53\/udp /u);
  assert.equal(profileDeviation(p, write('/data'))?.what, 'write', '/data/** is below /data, not /data itself');
  assert.equal(profileDeviation(p, write('/tmp/a/x.log'))?.what, 'write', '* stays in one folder');
  assert.match(profileDeviation(p, write('/etc/passwd'))!.reason, /^writing \/etc\/passwd /u);
  assert.match(profileDeviation(p, write('/usr/bin/x', true))!.reason, /^making executable \/usr\/bin\/x /u);
});

test('CIDR matching agrees with Python ipaddress (IPv4, IPv6, IPv4-mapped IPv6)', () => {
  const python = requireCommand('python3', 'python3-minimal', 'reference for CIDR membership');
  // a small deterministic generator: addresses near the entries' edges are where mistakes show
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const v4 = (): string => [10, rand(3) === 0 ? 11 : 10, rand(4), rand(256)].map((x, i) => (i === 0 ? (rand(2) ? 10 : 192) : x)).join('.');
  const v6 = (): string => `2001:db8:${rand(3).toString(16)}::${rand(65536).toString(16)}`;
  const entries: string[] = [];
  for (let i = 0; i < 40; i++) {
    entries.push(rand(2) ? `${v4()}/${rand(33)}` : `${v6()}/${rand(129)}`);
    entries.push(rand(2) ? v4() : v6());
  }
  const addresses: string[] = [];
  for (let i = 0; i < 60; i++) {
    const a = rand(2) ? v4() : v6();
    addresses.push(a, rand(2) && !a.includes(':') ? `::ffff:${a}` : a);
  }
  const pairs = addresses.flatMap((a) => entries.map((e) => [a, e]));
  const script = [
    'import ipaddress, json, sys',
    'out = []',
    'for a, e in json.load(sys.stdin):',
    '    ip = ipaddress.ip_address(a)',
    '    if ip.version == 6 and ip.ipv4_mapped: ip = ip.ipv4_mapped',
    '    net = ipaddress.ip_network(e, strict=False)',
    '    out.append(ip.version == net.version and ip in net)',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const expected = JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(pairs), encoding: 'utf8' })) as boolean[];
  assert.equal(expected.length, pairs.length);
  assert.ok(expected.some(Boolean) && expected.some((x) => !x), 'the cases include both answers');
  const mismatches = pairs.filter(([a, e], i) => addressMatches(a!, e!) !== expected[i]);
  assert.deepEqual(mismatches, []);
});
