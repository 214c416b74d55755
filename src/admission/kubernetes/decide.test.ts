import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../policy/index.js';
import { decideAdmission } from './decide.js';
import type { ImageResolver } from './image-facts.js';
import type { AdmissionRequest } from './admission-review.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
/** A resolver standing in for the registry: every image resolves, with no scan behind it. */
const resolver: ImageResolver = async (image) => ({
  facts: { image: { reference: image, registry: 'registry.example.com', repository: 'team/app', tag: image.split(':').pop()!, digest: DIGEST, labels: {} }, findings: [] },
  digest: DIGEST,
  repository: 'registry.example.com/team/app',
});

function cronJob(spec: Record<string, unknown>): AdmissionRequest {
  return {
    uid: 'u-1',
    kind: { group: 'batch', version: 'v1', kind: 'CronJob' },
    resource: { group: 'batch', version: 'v1', resource: 'cronjobs' },
    operation: 'CREATE',
    namespace: 'ops',
    object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec } } } } },
  };
}

test('a CronJob mounting the containerd socket is denied under docker-socket, naming the container', async () => {
  const policy = parsePolicy('version: 1\ndeployment:\n  forbidDockerSocket: true\n', 'p.yaml');
  const spec = { containers: [{ name: 'b', image: 'registry.example.com/team/app:1', volumeMounts: [{ name: 's', mountPath: '/run/containerd/containerd.sock' }] }], volumes: [{ name: 's', hostPath: { path: '/run/containerd/containerd.sock' } }] };
  const d = await decideAdmission(cronJob(spec), { policy }, resolver, new Date());
  assert.equal(d.response.allowed, false);
  assert.match(d.response.status!.message, /^CronJob ops\/backup denied by bulkhead: \[docker-socket\] container "b" mounts the container runtime socket \/run\/containerd\/containerd\.sock/);
});

test('a rule that cannot be checked (no scan) denies; in warn mode it warns; the pin targets the CronJob template', async () => {
  const policy = parsePolicy('version: 1\nvulnerabilities:\n  maxSeverity: high\n', 'p.yaml');
  const spec = { containers: [{ name: 'b', image: 'registry.example.com/team/app:1' }] };
  const denied = await decideAdmission(cronJob(spec), { policy }, resolver, new Date());
  assert.equal(denied.response.allowed, false);
  assert.match(denied.response.status!.message, /\[vulnerability-severity\] container "b" \(registry\.example\.com\/team\/app:1\): not checked: /);
  const warned = await decideAdmission(cronJob(spec), { policy, warnOnly: new Set(['vulnerability-severity']) }, resolver, new Date());
  assert.equal(warned.response.allowed, true);
  assert.equal(warned.response.warnings?.length, 1);
  // a container whose rules did not all pass is not pinned
  assert.deepEqual(warned.patch, []);
  const clean = await decideAdmission(cronJob(spec), { policy: parsePolicy('version: 1\n', 'p.yaml') }, resolver, new Date());
  assert.deepEqual(clean.patch, [{ op: 'replace', path: '/spec/jobTemplate/spec/template/spec/containers/0/image', value: `registry.example.com/team/app:1@${DIGEST}` }]);
});

test('the pod security settings reach the hardening rules', async () => {
  const policy = parsePolicy(
    `version: 1
image: { nonRootUser: true }
deployment:
  forbidCapabilities: [NET_ADMIN, SYS_ADMIN]
  forbidHostPaths: [/, /etc, /proc, /sys, /var/run, /root]
  readOnlyRootFilesystem: true
  requireLimits: [memory, cpu]
  forbidUnconfined: true
  requireNoNewPrivileges: true
`,
    'p.yaml',
  );
  const hardened = {
    securityContext: { runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'b', image: 'registry.example.com/team/app:1', resources: { limits: { memory: '64Mi', cpu: '500m' } }, securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
  };
  const ok = await decideAdmission(cronJob(hardened), { policy }, resolver, new Date());
  assert.equal(ok.response.allowed, true, ok.response.status?.message);

  const loose = {
    volumes: [{ name: 'etc', hostPath: { path: '/etc' } }],
    containers: [
      {
        name: 'b',
        image: 'registry.example.com/team/app:1',
        volumeMounts: [{ name: 'etc', mountPath: '/host-etc' }],
        securityContext: { runAsUser: 0, capabilities: { add: ['SYS_ADMIN'] }, seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } },
      },
    ],
  };
  const denied = await decideAdmission(cronJob(loose), { policy }, resolver, new Date());
  assert.equal(denied.response.allowed, false);
  const message = denied.response.status!.message;
  for (const [rule, text] of [
    ['non-root-user', /container user 0 is UID 0/],
    ['capabilities', /adds capability SYS_ADMIN/],
    ['host-paths', /mounts host path \/etc at \/host-etc/],
    ['read-only-rootfs', /writable root filesystem/],
    ['resource-limits', /sets no memory limit/],
    ['unconfined-profile', /seccomp unconfined/],
    ['no-new-privileges', /may gain new privileges/],
  ] as const) {
    assert.match(message, new RegExp(`\\[${rule}\\] container "b" \\(registry\\.example\\.com/team/app:1\\): [^;]*${text.source}`), rule);
  }
});

test('runAsNonRoot passes non-root-user; an unset seccomp profile and a pids limit are not checked', async () => {
  const policy = parsePolicy('version: 1\nimage: { nonRootUser: true }\ndeployment:\n  forbidUnconfined: true\n  requireLimits: [pids]\n', 'p.yaml');
  const spec = { securityContext: { runAsNonRoot: true }, containers: [{ name: 'b', image: 'registry.example.com/team/app:1' }] };
  const d = await decideAdmission(cronJob(spec), { policy }, resolver, new Date());
  const message = d.response.status!.message;
  assert.doesNotMatch(message, /non-root-user/);
  assert.match(message, /\[unconfined-profile\] container "b" .*not checked: seccompProfile is not set/);
  assert.match(message, /\[resource-limits\] container "b" .*not checked: Kubernetes sets no per-container pids limit/);
});
