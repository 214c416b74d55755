import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnObservation, writeGlob } from './learn.js';
import { profileDeviation } from './deviation.js';
import { profileSchema } from './schema.js';
import { connect, emptyProfile, exec, listen, others, write } from './testing/observations.js';

test('exec adds the executable and the parent/child pair; a parent outside the container is (outside)', () => {
  const p = emptyProfile();
  assert.equal(learnObservation(p, exec('/usr/local/bin/redis-server', '/bin/sh')), true);
  assert.equal(learnObservation(p, exec('/bin/sh', '')), true);
  assert.deepEqual(p.executables, ['/bin/sh', '/usr/local/bin/redis-server']);
  assert.deepEqual(p.processes, [
    { parent: '(outside)', child: '/bin/sh' },
    { parent: '/bin/sh', child: '/usr/local/bin/redis-server' },
  ]);
  // the same again changes nothing; a known executable under a new parent adds only the pair
  assert.equal(learnObservation(p, exec('/bin/sh', '')), false);
  assert.equal(learnObservation(p, exec('/bin/sh', '/usr/local/bin/redis-server')), true);
  assert.equal(p.executables.length, 2);
  assert.equal(p.processes.length, 3);
});

test('listen, connect and write add ports, destinations and folder globs; fork/setuid/ptrace add nothing', () => {
  const p = emptyProfile();
  assert.equal(learnObservation(p, listen(6379)), true);
  assert.equal(learnObservation(p, listen(6379)), false);
  assert.equal(learnObservation(p, listen(53, 'udp')), true);
  assert.deepEqual(p.listening, [{ protocol: 'tcp', port: 6379 }, { protocol: 'udp', port: 53 }]);
  assert.equal(learnObservation(p, connect('10.0.0.5', 5432)), true);
  assert.equal(learnObservation(p, connect('10.0.0.5', 5432)), false);
  assert.deepEqual(p.outbound, [{ protocol: 'tcp', address: '10.0.0.5', port: 5432 }]);
  assert.equal(learnObservation(p, write('/var/log/nginx/x.log')), true);
  assert.equal(learnObservation(p, write('/var/log/nginx/y.log')), false);
  assert.equal(learnObservation(p, write('/x.log')), true);
  assert.deepEqual(p.writes, ['/var/log/nginx/**', '/x.log']);
  for (const o of others) assert.equal(learnObservation(p, o), false);
  assert.ok(profileSchema.safeParse(p).success, 'a learned profile is valid');
});

test('an outbound destination inside a CIDR entry (any port) is already covered', () => {
  const p = emptyProfile();
  p.outbound.push({ protocol: 'tcp', address: '10.0.0.0/8' });
  assert.equal(learnObservation(p, connect('10.9.8.7', 443)), false);
  assert.equal(learnObservation(p, connect('10.9.8.7', 443, 'udp')), true);
});

test('writeGlob: folder glob, a file in / by itself, glob characters in paths taken literally', () => {
  assert.equal(writeGlob('/var/log/nginx/x.log'), '/var/log/nginx/**');
  assert.equal(writeGlob('/x.log'), '/x.log');
  assert.equal(writeGlob('/data//a/../b/f'), '/data/b/**');
  const glob = writeGlob('/tmp/[ab]*/f');
  assert.equal(glob, '/tmp/\\[ab\\]\\*/**');
  const p = emptyProfile();
  p.writes.push(glob);
  assert.equal(profileDeviation(p, write('/tmp/[ab]*/g')), undefined);
  assert.ok(profileDeviation(p, write('/tmp/a/g')), 'the brackets are not a character class');
});

test('lists stay sorted and deduplicated whatever the order of observations', () => {
  const observations = [
    exec('/usr/bin/b', '/bin/sh'),
    exec('/usr/bin/a', '/bin/sh'),
    exec('/usr/bin/a', ''),
    connect('192.168.1.1', 80),
    connect('10.0.0.1', 443),
    connect('10.0.0.1', 80),
    connect('::1', 80),
    listen(8080),
    listen(80),
    write('/tmp/z/1'),
    write('/data/1'),
  ];
  const forward = emptyProfile();
  const backward = emptyProfile();
  for (const o of observations) learnObservation(forward, o);
  for (const o of [...observations].reverse()) learnObservation(backward, o);
  for (const o of observations) learnObservation(backward, o);
  assert.deepEqual(forward, backward);
  const sorted = (xs: string[]): string[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(forward.executables, sorted(forward.executables));
  assert.deepEqual(forward.writes, sorted(forward.writes));
  assert.deepEqual(forward.listening.map((l) => l.port), [80, 8080]);
});

test('after learning an observation, it is never a deviation (all kinds)', () => {
  const p = emptyProfile();
  const observations = [exec('/bin/busybox', ''), exec('/bin/busybox', '/bin/busybox'), connect('2001:db8::1', 443), connect('::ffff:10.1.1.1', 5432, 'udp'), listen(6379), write('/data/dump.rdb', true), write('/root.txt')];
  for (const o of observations) {
    assert.ok(profileDeviation(p, o), `${o.kind} deviates before learning`);
    learnObservation(p, o);
    assert.equal(profileDeviation(p, o), undefined, `${o.kind} does not deviate after learning`);
  }
});
