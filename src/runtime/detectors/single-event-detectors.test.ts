// sshd, privilege-escalation and ptrace: detectors deciding from one observation each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuntimeConfig } from '../config/schema.js';
import { sshdDetector } from './sshd.js';
import { privilegeEscalationDetector } from './privilege-escalation.js';
import { ptraceDetector } from './ptrace.js';
import { container, obs } from './test-observations.js';

const config = defaultRuntimeConfig().detectors;

test('sshd: exec of sshd, dropbear or a port-22 listener, once per container', () => {
  const d = sshdDetector(config.sshd);
  const first = d.observe(obs('exec', { path: '/usr/sbin/sshd', cmdline: ['/usr/sbin/sshd', '-D'], comm: 'sshd' }));
  assert.equal(first.length, 1);
  assert.equal(first[0]!.rule, 'BH-RT-105');
  assert.equal(d.observe(obs('listen', { port: 22, comm: 'sshd' })).length, 0, 'same container again');
  const c2 = container({ id: 'c2' });
  assert.equal(d.observe(obs('listen', { container: c2, port: 22, comm: 'nc' })).length, 1);
  const c3 = container({ id: 'c3' });
  assert.equal(d.observe(obs('exec', { container: c3, path: '/usr/sbin/dropbear', comm: 'dropbear' })).length, 1);
  const c4 = container({ id: 'c4' });
  assert.equal(d.observe(obs('listen', { container: c4, port: 2222 })).length, 0);
  assert.equal(d.observe(obs('exec', { container: c4, path: '/usr/bin/ssh', comm: 'ssh' })).length, 0, 'the client is not a server');
  d.forget!('c1');
  assert.equal(d.observe(obs('listen', { port: 22 })).length, 1);
});

test('privilege escalation: non-root to uid 0 only', () => {
  const d = privilegeEscalationDetector(config.privilegeEscalation);
  const out = d.observe(obs('setuid', { fromUid: 1000, toUid: 0, comm: 'su' }));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.rule, 'BH-RT-108');
  assert.equal(out[0]!.details!['fromUid'], 1000);
  assert.equal(d.observe(obs('setuid', { fromUid: 0, toUid: 0 })).length, 0, 'already root');
  assert.equal(d.observe(obs('setuid', { fromUid: 0, toUid: 33 })).length, 0, 'dropping privileges');
  assert.equal(d.observe(obs('setuid', { fromUid: 1000, toUid: 1001 })).length, 0);
});

test('ptrace: ATTACH (16) and SEIZE (0x4206) of another process', () => {
  const d = ptraceDetector(config.ptrace);
  assert.equal(d.observe(obs('ptrace', { request: 16, targetPid: 77 }))[0]!.details!['request'], 'PTRACE_ATTACH');
  assert.equal(d.observe(obs('ptrace', { request: 0x4206, targetPid: 77 }))[0]!.rule, 'BH-RT-109');
  assert.equal(d.observe(obs('ptrace', { request: 0, targetPid: 77 })).length, 0, 'PTRACE_TRACEME');
  assert.equal(d.observe(obs('ptrace', { request: 16, pid: 5, targetPid: 5 })).length, 0);
});
