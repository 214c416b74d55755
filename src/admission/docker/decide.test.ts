/**
 * `decide` over real Engine API requests: the fixtures were recorded from `docker create` (docker CLI
 * 28.2, dockerd 20.10) with the plugin answering allow-all, then replayed here against one policy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parsePolicy } from '../../policy/index.js';
import { decide, imageToResolve, type DecisionContext, type ImageEvidence } from './decide.js';
import { parseAuthzRequest, type AuthzRequest } from './protocol.js';

const raw = JSON.parse(readFileSync(new URL('./testdata/engine-requests.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const fixture = (name: string): AuthzRequest => {
  const parsed = parseAuthzRequest(Buffer.from(JSON.stringify(raw[name])));
  assert.notEqual(typeof parsed, 'string', `${name}: ${String(parsed)}`);
  return parsed as AuthzRequest;
};

const policy = parsePolicy(
  `version: 1
trust:
  registries: ["127.0.0.1:*"]
deployment:
  forbidPrivileged: true
  forbidHostNamespaces: true
  forbidDockerSocket: true
  maxContainerAge: 7d
`,
  'test-policy.yaml',
);

const trusted: ImageEvidence = { facts: { reference: 'bb:1', registry: '127.0.0.1:5000', repository: 'bb', tag: '1', labels: {} }, findings: [], scanned: [] };
const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({ policy, now: new Date('2026-01-01T00:00:00Z'), allowUsers: [], failOpen: false, image: trusted, ...over });

describe('decide over recorded Engine API requests', () => {
  const table: [string, boolean, string, RegExp][] = [
    ['create-plain', true, 'policy', /allowed/],
    ['create-hardened', true, 'policy', /allowed/],
    ['create-loose', true, 'policy', /allowed/],
    ['create-priv', false, 'privileged', /^denied by policy rule privileged: /],
    ['create-sock', false, 'docker-socket', /^denied by policy rule docker-socket: .*\/var\/run\/docker\.sock/],
    ['create-hostns', false, 'host-namespaces', /^denied by policy rule host-namespaces: .*pid.*ipc.*net.*uts/s],
    ['ps', true, 'not-gated', /read-only/],
    ['exec', true, 'not-gated', /no rule forbidding interactive access/],
    ['swarm-leave', false, 'daemon-change', /^denied by rule daemon-change: swarm/],
    ['plugin-remove', false, 'daemon-change', /^denied by rule daemon-change: plugins/],
  ];
  for (const [name, allow, rule, reason] of table) {
    test(name, () => {
      const d = decide(fixture(name), ctx());
      assert.equal(d.allow, allow, d.reason);
      assert.equal(d.rule, rule);
      assert.match(d.reason, reason);
    });
  }

  test('the image named by a recorded create is the one resolved', () => {
    assert.equal(imageToResolve(fixture('create-plain')), 'bb:1');
    assert.equal(imageToResolve(fixture('ps')), undefined);
  });

  test('settings the policy now judges are no longer reported as unjudged', () => {
    for (const name of ['create-loose', 'create-hardened', 'create-plain']) assert.equal(decide(fixture(name), ctx()).unjudged, undefined, name);
  });

  // one case per hardening rule, over the recorded creates: `create-loose` (--cap-add SYS_ADMIN,
  // --mount /etc, seccomp and AppArmor unconfined), `create-hardened` (--user 1000:1000, --read-only,
  // memory/cpu/pids limits, no-new-privileges, --cap-drop ALL), `create-plain` (docker defaults)
  const hardening: [policy: string, name: string, allow: boolean, rule: string, reason: RegExp][] = [
    ['forbidCapabilities: [NET_ADMIN, SYS_ADMIN]', 'create-loose', false, 'capabilities', /adds capability SYS_ADMIN/],
    ['allowedCapabilities: [NET_BIND_SERVICE]', 'create-hardened', true, 'policy', /allowed/],
    ['forbidHostPaths: [/, /etc, /proc, /sys]', 'create-loose', false, 'host-paths', /mounts host path \/etc at \/host-etc/],
    ['forbidHostPaths: [/var/run]', 'create-sock', false, 'host-paths', /\/var\/run\/docker\.sock/],
    ['readOnlyRootFilesystem: true', 'create-plain', false, 'read-only-rootfs', /writable root filesystem/],
    ['readOnlyRootFilesystem: true', 'create-hardened', true, 'policy', /allowed/],
    ['requireLimits: [memory, cpu, pids]', 'create-plain', false, 'resource-limits', /no memory limit.*no cpu limit.*no pids limit/],
    ['requireLimits: [memory, cpu, pids]', 'create-hardened', true, 'policy', /allowed/],
    ['forbidUnconfined: true', 'create-loose', false, 'unconfined-profile', /seccomp unconfined.*AppArmor unconfined/],
    ['forbidUnconfined: true', 'create-priv', false, 'unconfined-profile', /\(privileged\)/],
    ['forbidUnconfined: true', 'create-plain', true, 'policy', /allowed/],
    ['requireNoNewPrivileges: true', 'create-plain', false, 'no-new-privileges', /may gain new privileges/],
    ['requireNoNewPrivileges: true', 'create-hardened', true, 'policy', /allowed/],
  ];
  for (const [rule, name, allow, decided, reason] of hardening) {
    test(`${rule}: ${name}`, () => {
      const p = parsePolicy(`version: 1\ndeployment:\n  ${rule}\n`, 'p.yaml');
      const d = decide(fixture(name), ctx({ policy: p }));
      assert.equal(d.allow, allow, d.reason);
      assert.equal(d.rule, decided);
      assert.match(d.reason, reason);
    });
  }

  test('the container user overrides the image USER for non-root-user', () => {
    const p = parsePolicy('version: 1\nimage:\n  nonRootUser: true\n', 'p.yaml');
    const rootImage: ImageEvidence = { ...trusted, facts: { ...trusted.facts, user: '' } };
    const plain = decide(fixture('create-plain'), ctx({ policy: p, image: rootImage }));
    assert.equal(plain.allow, false);
    assert.match(plain.reason, /^denied by policy rule non-root-user: the image sets no USER/);
    const hardened = decide(fixture('create-hardened'), ctx({ policy: p, image: rootImage }));
    assert.equal(hardened.allow, true, hardened.reason);
  });

  test('an untrusted registry is denied at create and at pull', () => {
    const hub: ImageEvidence = { ...trusted, facts: { ...trusted.facts, registry: 'docker.io', repository: 'library/bb' } };
    const d = decide(fixture('create-plain'), ctx({ image: hub }));
    assert.equal(d.allow, false);
    assert.match(d.reason, /^denied by policy rule trusted-registry: registry docker\.io is not trusted/);
    const pull = decide(fixture('pull'), ctx());
    assert.equal(pull.allow, true, `recorded pull is from 127.0.0.1:1: ${pull.reason}`);
    const hubPull = decide({ ...fixture('pull'), RequestURI: '/v1.41/images/create?fromImage=busybox&tag=latest' }, ctx());
    assert.equal(hubPull.rule, 'trusted-registry');
  });

  test('daemon-level changes pass for an allowed user only', () => {
    assert.equal(decide({ ...fixture('swarm-leave'), User: 'ops' }, ctx({ allowUsers: ['ops'] })).allow, true);
    assert.equal(decide({ ...fixture('swarm-leave'), User: 'dev' }, ctx({ allowUsers: ['ops'] })).allow, false);
  });
});

describe('bodies the plugin cannot read (CVE-2024-41110 class) are denied', () => {
  const plain = () => fixture('create-plain');
  const body = Buffer.from(plain().RequestBody!, 'base64');
  const cases: [string, Partial<AuthzRequest>, RegExp][] = [
    ['absent (chunked, not forwarded)', { RequestBody: undefined, RequestHeaders: { 'Content-Type': 'application/json' } }, /not forwarded.*no Content-Length/],
    ['empty with Content-Length 0', { RequestBody: '', RequestHeaders: { 'Content-Length': '0' } }, /not forwarded.*Content-Length 0/],
    ['truncated', { RequestBody: body.subarray(0, body.length - 10).toString('base64') }, /truncated/],
    ['not JSON', { RequestBody: Buffer.from('Image=bb').toString('base64'), RequestHeaders: {} }, /not complete JSON/],
    ['not base64', { RequestBody: '%%%' }, /base64/],
  ];
  for (const [name, patch, reason] of cases) {
    test(name, () => {
      for (const failOpen of [false, true]) {
        const d = decide({ ...plain(), ...patch }, ctx({ failOpen }));
        assert.equal(d.allow, false, `${name} (failOpen ${failOpen}): ${d.reason}`);
        assert.equal(d.rule, 'unreadable-body');
        assert.match(d.reason, reason);
      }
    });
  }
  test('a URI in the wire field RequestUri is read (RequestURI alone is not what the Engine sends)', () => {
    assert.equal(typeof parseAuthzRequest(Buffer.from(JSON.stringify({ RequestMethod: 'POST' }))), 'string');
  });
});

describe('fail-closed', () => {
  test('policy unreadable: creates are denied, reads pass', () => {
    const c = ctx({ policy: { unavailable: 'policy p.yaml unreadable: ENOENT' } });
    assert.equal(decide(fixture('create-plain'), c).allow, false);
    assert.match(decide(fixture('create-plain'), c).reason, /^denied by rule undecidable \(fail-closed\): policy p\.yaml/);
    assert.equal(decide(fixture('ps'), c).allow, true);
    const open = decide(fixture('create-plain'), { ...c, failOpen: true });
    assert.equal(open.allow, true);
    assert.ok(open.warnings?.[0]?.startsWith('fail-open'));
  });
  test('image evidence missing (database missing): denied naming why', () => {
    const d = decide(fixture('create-plain'), ctx({ image: { error: 'vuln.db: no vulnerability database' } }));
    assert.equal(d.allow, false);
    assert.match(d.reason, /vuln\.db/);
  });
  test('a configured rule that could not be checked denies, naming it', () => {
    const p = parsePolicy('version: 1\ntrust:\n  signatures:\n    keys: [k.pub]\n', 'p.yaml');
    const d = decide(fixture('create-plain'), ctx({ policy: p }));
    assert.equal(d.allow, false);
    assert.equal(d.rule, 'signature');
    assert.match(d.reason, /^denied by policy rule signature: not checked/);
  });
});
