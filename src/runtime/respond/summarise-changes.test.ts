import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerFact } from '../inventory/container-fact.js';
import type { ContainerChange } from './changes.js';
import { sensitivePath, summariseChanges } from './summarise-changes.js';

const fact = containerFact({ Id: 'f'.repeat(64), Name: '/web', Image: 'sha256:' + 'a'.repeat(64), Config: { Image: 'web:1' } });

test('an added or changed executable is BH-RT-020, a deleted one is not', () => {
  const changes: ContainerChange[] = [
    { path: '/tmp', kind: 'C', executable: false },
    { path: '/tmp/miner', kind: 'A', executable: true },
    { path: '/opt/app/run.sh', kind: 'C', executable: true },
    { path: '/opt/app/old', kind: 'D' },
    { path: '/tmp/notes.txt', kind: 'A', executable: false },
  ];
  const findings = summariseChanges(changes, fact);
  assert.deepEqual(findings.map((f) => [f.id, f.evidence?.['path'], f.evidence?.['change']]), [
    ['BH-RT-020', '/tmp/miner', 'added'],
    ['BH-RT-020', '/opt/app/run.sh', 'changed'],
  ]);
  const first = findings[0]!;
  assert.equal(first.kind, 'runtime');
  assert.equal(first.target.container, 'web');
  assert.equal(first.target.image, 'web:1');
  assert.equal(first.target.path, 'tmp/miner');
  assert.equal(first.evidence?.['containerId'], fact.id);
});

test('sensitive files are BH-RT-021 whatever the change; their folders alone are not', () => {
  const changes: ContainerChange[] = [
    { path: '/etc', kind: 'C', executable: false },
    { path: '/etc/passwd', kind: 'C', executable: false },
    { path: '/etc/shadow', kind: 'D' },
    { path: '/etc/sudoers.d', kind: 'C' },
    { path: '/etc/sudoers.d/backdoor', kind: 'A', executable: false },
    { path: '/root/.ssh/authorized_keys', kind: 'A' },
    { path: '/home/app/.ssh/id_rsa', kind: 'A' },
    { path: '/etc/cron.d/job', kind: 'A' },
    { path: '/etc/ld.so.preload', kind: 'A' },
    { path: '/usr/bin/ls', kind: 'C' },
    { path: '/etc/hostname', kind: 'C' },
    { path: '/var/log/app.log', kind: 'A' },
  ];
  const findings = summariseChanges(changes, fact);
  assert.deepEqual(
    findings.map((f) => f.evidence?.['path']),
    ['/etc/passwd', '/etc/shadow', '/etc/sudoers.d/backdoor', '/root/.ssh/authorized_keys', '/home/app/.ssh/id_rsa', '/etc/cron.d/job', '/etc/ld.so.preload', '/usr/bin/ls'],
  );
  assert.ok(findings.every((f) => f.id === 'BH-RT-021'));
  assert.equal(findings.find((f) => f.evidence?.['path'] === '/etc/shadow')?.severity, 'critical');
  assert.equal(findings.find((f) => f.evidence?.['path'] === '/etc/shadow')?.evidence?.['change'], 'deleted');
});

test('an executable in a system binary folder is reported once, as an executable', () => {
  const findings = summariseChanges([{ path: '/usr/bin/sshd', kind: 'A', executable: true }], fact);
  assert.deepEqual(findings.map((f) => f.id), ['BH-RT-020']);
});

test('sensitivePath matches whole names, not prefixes', () => {
  assert.equal(sensitivePath('/etc/passwd-'), undefined);
  assert.equal(sensitivePath('/etc/passwdx'), undefined);
  assert.equal(sensitivePath('/usr/binary'), undefined);
  assert.ok(sensitivePath('/etc/sudoers'));
  assert.ok(sensitivePath('/srv/git/.ssh/authorized_keys'));
});
