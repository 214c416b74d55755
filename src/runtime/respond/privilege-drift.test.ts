import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../policy/index.js';
import { containerFact } from '../inventory/container-fact.js';
import type { EngineContainerInspect } from '../inventory/engine-types.js';
import { privilegeDrift } from './privilege-drift.js';

const NOW = new Date('2025-01-01T00:00:00Z');

function policy(yaml: string) {
  return parsePolicy(yaml, 'policy.yaml');
}

function inspect(host: Partial<NonNullable<EngineContainerInspect['HostConfig']>>, extra: Partial<EngineContainerInspect> = {}): EngineContainerInspect {
  return { Id: 'c'.repeat(64), Name: '/app', Image: 'sha256:' + 'b'.repeat(64), Config: { Image: 'registry.example.com/team/app:1', User: '' }, HostConfig: host, ...extra };
}

const STRICT = `version: 1
image:
  nonRootUser: true
deployment:
  forbidPrivileged: true
  forbidHostNamespaces: true
  forbidDockerSocket: true
`;

test('a privileged root container with the host network and the Docker socket breaks every privilege rule', () => {
  const fact = containerFact(
    inspect({ Privileged: true, NetworkMode: 'host', PidMode: 'host' }, { Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true }] }),
    { Id: 'sha256:' + 'b'.repeat(64), Config: { User: '' } },
  );
  const findings = privilegeDrift(fact, policy(STRICT), { now: NOW });
  assert.deepEqual(findings.map((f) => f.evidence?.['setting']).sort(), ['deployment.forbidDockerSocket', 'deployment.forbidHostNamespaces', 'deployment.forbidPrivileged', 'image.nonRootUser']);
  assert.ok(findings.every((f) => f.id === 'BH-RT-030' && f.kind === 'runtime' && f.target.container === 'app'));
  const ns = findings.find((f) => f.evidence?.['rule'] === 'host-namespaces')!;
  assert.match(ns.evidence?.['violations'] ?? '', /pid/);
  assert.match(ns.evidence?.['violations'] ?? '', /net/);
});

test('a confined container running as a numeric non-root user has no drift', () => {
  const fact = containerFact(inspect({ NetworkMode: 'bridge' }, { Config: { Image: 'app:1', User: '1000' } }));
  assert.deepEqual(privilegeDrift(fact, policy(STRICT), { now: NOW }), []);
});

test('a named user is judged only when the caller knows its uid', () => {
  const fact = containerFact(inspect({}, { Config: { Image: 'app:1', User: 'app' } }));
  assert.deepEqual(privilegeDrift(fact, policy(STRICT), { now: NOW }), []);
  assert.deepEqual(privilegeDrift(fact, policy(STRICT), { now: NOW, uid: 0 }).map((f) => f.evidence?.['setting']), ['image.nonRootUser']);
  assert.deepEqual(privilegeDrift(fact, policy(STRICT), { now: NOW, uid: 1000 }), []);
});

test('only the namespaces the policy lists count, and an unexpired exception excepts the rule', () => {
  const fact = containerFact(inspect({ Privileged: true, IpcMode: 'host' }));
  const onlyPid = `version: 1
deployment:
  forbidHostNamespaces: [pid]
`;
  assert.deepEqual(privilegeDrift(fact, policy(onlyPid), { now: NOW }), []);
  const excepted = `version: 1
deployment:
  forbidPrivileged: true
exceptions:
  - images: ['registry.example.com/team/*']
    rules: [privileged]
    reason: needs the GPU devices
    owner: team-ml
    expires: 2026-01-01
`;
  assert.deepEqual(privilegeDrift(fact, policy(excepted), { now: NOW }), []);
  assert.equal(privilegeDrift(fact, policy(excepted), { now: new Date('2026-06-01T00:00:00Z') }).length, 1);
});

test('the hardening rules the inventory has facts for are judged; seccomp and no-new-privileges are not', () => {
  const fact = containerFact(inspect({ CapAdd: ['NET_ADMIN'], ReadonlyRootfs: false, Memory: 0 }, { Mounts: [{ Type: 'bind', Source: '/etc', Destination: '/host-etc', RW: false }] }));
  const p = policy('version: 1\ndeployment:\n  forbidCapabilities: [NET_ADMIN]\n  forbidHostPaths: [/etc]\n  readOnlyRootFilesystem: true\n  requireLimits: [memory]\n  forbidUnconfined: true\n  requireNoNewPrivileges: true\n');
  const rules = privilegeDrift(fact, p, { now: NOW }).map((f) => f.evidence?.['rule']).sort();
  assert.deepEqual(rules, ['capabilities', 'host-paths', 'read-only-rootfs', 'resource-limits']);
});
