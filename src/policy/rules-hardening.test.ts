/**
 * The deployment hardening rules (rules-hardening.ts) and the deploy-time user of non-root-user:
 * each rule passes, fails, is skipped without facts, and yields to an exception.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluatePolicy } from './evaluate.js';
import { parsePolicy, PolicyInvalidError } from './load-policy.js';
import type { DeploymentFacts, PolicyFacts } from './types.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const IMAGE = { reference: 'registry.example.com/team/app:1', registry: 'registry.example.com', repository: 'team/app', tag: '1', labels: {} };

function run(deployment: string, d: DeploymentFacts | undefined, extra = '', image: Partial<PolicyFacts['image']> = {}) {
  const policy = parsePolicy(`version: 1\n${deployment}\n${extra}`, 'p.yaml');
  const facts: PolicyFacts = { image: { ...IMAGE, ...image }, findings: [], ...(d ? { deployment: d } : {}) };
  const result = evaluatePolicy(policy, facts, NOW);
  assert.equal(result.rules.length, 1, JSON.stringify(result.rules));
  return result.rules[0]!;
}

const EXCEPT = (rule: string) => `exceptions:\n  - { images: ["registry.example.com/team/*"], rules: [${rule}], reason: r, owner: o, expires: 2027-01-01 }\n`;

type Row = [name: string, policy: string, facts: DeploymentFacts | undefined, verdict: string, evidence: RegExp];
const rows: Row[] = [
  ['caps: forbidden cap added fails', 'deployment: { forbidCapabilities: [NET_ADMIN, SYS_ADMIN] }', { capAdd: ['CAP_SYS_ADMIN'] }, 'fail', /adds capability SYS_ADMIN/],
  ['caps: other cap passes', 'deployment: { forbidCapabilities: [NET_ADMIN] }', { capAdd: ['CHOWN'] }, 'pass', /added capabilities: CHOWN/],
  ['caps: ALL added breaks any forbid list', 'deployment: { forbidCapabilities: [NET_ADMIN] }', { capAdd: ['all'] }, 'fail', /adds capability ALL/],
  ['caps: forbid ALL forbids every addition', 'deployment: { forbidCapabilities: [ALL] }', { capAdd: ['NET_BIND_SERVICE'] }, 'fail', /NET_BIND_SERVICE/],
  ['caps: allowed list passes its own', 'deployment: { allowedCapabilities: [NET_BIND_SERVICE] }', { capAdd: ['net_bind_service'] }, 'pass', /NET_BIND_SERVICE/],
  ['caps: beyond the allowed list fails', 'deployment: { allowedCapabilities: [NET_BIND_SERVICE] }', { capAdd: ['NET_RAW'] }, 'fail', /adds capability NET_RAW/],
  ['caps: empty allowed list allows none', 'deployment: { allowedCapabilities: [] }', { capAdd: ['CHOWN'] }, 'fail', /CHOWN/],
  ['caps: privileged holds ALL', 'deployment: { allowedCapabilities: [CHOWN] }', { privileged: true, capAdd: [] }, 'fail', /ALL \(privileged\)/],
  ['caps: unknown skips with the stated reason', 'deployment: { forbidCapabilities: [NET_ADMIN] }', { absentBecause: { capAdd: 'not in the inventory' } }, 'skipped', /not in the inventory/],
  ['host paths: /etc fails', 'deployment: { forbidHostPaths: [/etc, /proc] }', { mounts: [{ source: '/etc/', target: '/host-etc' }] }, 'fail', /mounts host path \/etc\/ at \/host-etc \(forbidden: \/etc\)/],
  ['host paths: a folder above a forbidden path fails', 'deployment: { forbidHostPaths: [/var/run] }', { mounts: [{ source: '/var', target: '/v' }] }, 'fail', /forbidden: \/var\/run/],
  ['host paths: / forbids only /', 'deployment: { forbidHostPaths: ["/"] }', { mounts: [{ source: '/srv/data', target: '/data' }] }, 'pass', /1 host mounts/],
  ['host paths: globs match below', 'deployment: { forbidHostPaths: ["/home/**"] }', { mounts: [{ source: '/home/alice/.ssh', target: '/k' }] }, 'fail', /forbidden: \/home\/\*\*/],
  ['host paths: a path below a forbidden folder fails', 'deployment: { forbidHostPaths: [/etc] }', { mounts: [{ source: '/etc/shadow', target: '/s' }] }, 'fail', /forbidden: \/etc/],
  ['host paths: other paths pass', 'deployment: { forbidHostPaths: [/etc] }', { mounts: [{ source: '/srv/etc', target: '/x' }] }, 'pass', /checked/],
  ['read-only: writable fails', 'deployment: { readOnlyRootFilesystem: true }', { readOnlyRootfs: false }, 'fail', /writable root filesystem/],
  ['read-only: read-only passes', 'deployment: { readOnlyRootFilesystem: true }', { readOnlyRootfs: true }, 'pass', /read-only/],
  ['read-only: unknown skips', 'deployment: { readOnlyRootFilesystem: true }', {}, 'skipped', /not known here/],
  ['limits: missing memory fails', 'deployment: { requireLimits: [memory, cpu] }', { limits: { memory: null, cpu: '1 CPUs' } }, 'fail', /sets no memory limit/],
  ['limits: all set passes', 'deployment: { requireLimits: [memory, pids] }', { limits: { memory: '64Mi', pids: '100' } }, 'pass', /memory limit 64Mi/],
  ['limits: an unknown kind skips when nothing fails', 'deployment: { requireLimits: [memory, pids] }', { limits: { memory: '64Mi' }, absentBecause: { pids: 'no per-container pids limit' } }, 'skipped', /no per-container pids limit/],
  ['limits: an unknown kind does not hide a failure', 'deployment: { requireLimits: [memory, pids] }', { limits: { memory: null } }, 'fail', /no memory limit/],
  ['unconfined: seccomp unconfined fails', 'deployment: { forbidUnconfined: true }', { seccompUnconfined: true, apparmorUnconfined: false }, 'fail', /seccomp unconfined/],
  ['unconfined: privileged is unconfined', 'deployment: { forbidUnconfined: true }', { privileged: true }, 'fail', /AppArmor unconfined \(privileged\)/],
  ['unconfined: confined passes', 'deployment: { forbidUnconfined: true }', { seccompUnconfined: false, apparmorUnconfined: false }, 'pass', /confined/],
  ['unconfined: unknown seccomp skips', 'deployment: { forbidUnconfined: true }', { apparmorUnconfined: false, absentBecause: { seccompUnconfined: 'seccompProfile is not set' } }, 'skipped', /seccompProfile is not set/],
  ['no-new-privileges: unset fails', 'deployment: { requireNoNewPrivileges: true }', { noNewPrivileges: false }, 'fail', /may gain new privileges/],
  ['no-new-privileges: set passes', 'deployment: { requireNoNewPrivileges: true }', { noNewPrivileges: true }, 'pass', /no-new-privileges/],
  ['no-new-privileges: unknown skips', 'deployment: { requireNoNewPrivileges: true }', {}, 'skipped', /not known here/],
  ['any rule: no deployment facts skips', 'deployment: { requireNoNewPrivileges: true }', undefined, 'skipped', /deployment facts not provided/],
];

describe('deployment hardening rules', () => {
  for (const [name, policy, facts, verdict, evidence] of rows) {
    test(name, () => {
      const r = run(policy, facts);
      assert.equal(r.verdict, verdict, JSON.stringify(r.evidence));
      assert.ok(r.evidence.some((e) => evidence.test(e)), JSON.stringify(r.evidence));
    });
  }
  test('an exception for the rule excepts each failing rule', () => {
    for (const [, policy, facts, verdict] of rows) {
      if (verdict !== 'fail') continue;
      const id = run(policy, facts).id;
      const r = run(policy, facts, EXCEPT(id));
      assert.equal(r.verdict, 'excepted', `${id}: ${JSON.stringify(r.evidence)}`);
      assert.equal(r.exception?.owner, 'o');
    }
  });
  test('an exception naming one capability excepts only that one', () => {
    const policy = 'deployment: { forbidCapabilities: [NET_ADMIN, SYS_ADMIN] }';
    const one = `exceptions:\n  - { images: ["registry.example.com/team/*"], rules: [capabilities], findings: [NET_ADMIN], reason: r, owner: o, expires: 2027-01-01 }\n`;
    assert.equal(run(policy, { capAdd: ['NET_ADMIN'] }, one).verdict, 'excepted');
    const r = run(policy, { capAdd: ['NET_ADMIN', 'SYS_ADMIN'] }, one);
    assert.equal(r.verdict, 'fail');
    assert.ok(r.evidence.some((e) => /SYS_ADMIN/.test(e)));
  });
});

describe('non-root-user at deploy time', () => {
  const P = 'image: { nonRootUser: true }';
  const cases: [string, DeploymentFacts | undefined, Partial<PolicyFacts['image']>, string, RegExp][] = [
    ['image root, --user 1000 passes', { user: '1000:1000' }, { user: '' }, 'pass', /container user 1000:1000 \(UID 1000\)/],
    ['image non-root, --user 0 fails', { user: '0' }, { user: 'app', uid: 1000 }, 'fail', /container user 0 is UID 0/],
    ['--user root fails', { user: 'root' }, { user: '1000' }, 'fail', /container user root is root/],
    ['--user with the image user name uses its uid', { user: 'app' }, { user: 'app', uid: 1000 }, 'pass', /UID 1000 in etc\/passwd/],
    ['--user with another name cannot be shown non-root', { user: 'other' }, { user: 'app', uid: 1000 }, 'fail', /not mapped to a UID/],
    ['no override: the image USER is judged', {}, { user: '' }, 'fail', /sets no USER/],
    ['runAsNonRoot makes the kubelet refuse root', { runAsNonRoot: true }, { user: '' }, 'pass', /runAsNonRoot/],
    ['runAsNonRoot with runAsUser 0 still fails', { runAsNonRoot: true, user: '0' }, { user: '' }, 'fail', /UID 0/],
    ['deploy user known, image config unknown', { user: '1000' }, {}, 'pass', /UID 1000/],
    ['nothing known skips', undefined, {}, 'skipped', /configuration is not known/],
  ];
  for (const [name, d, image, verdict, evidence] of cases) {
    test(name, () => {
      const r = run(P, d, '', image);
      assert.equal(r.verdict, verdict, JSON.stringify(r.evidence));
      assert.ok(r.evidence.some((e) => evidence.test(e)), JSON.stringify(r.evidence));
    });
  }
});

describe('schema of the deployment rules', () => {
  const problems = (yaml: string): string[] => {
    try {
      parsePolicy(yaml, 'p.yaml');
    } catch (e) {
      assert.ok(e instanceof PolicyInvalidError, String(e));
      return e.problems;
    }
    assert.fail('expected the policy to be refused');
  };
  test('a misspelt capability names the closest one, at its line', () => {
    const [p] = problems('version: 1\ndeployment:\n  forbidCapabilities:\n    - NET_ADMN\n');
    assert.match(p!, /^p\.yaml:4:7: deployment\.forbidCapabilities\[0\]: "NET_ADMN" is not allowed \(did you mean "NET_ADMIN"\?\)/);
  });
  test('CAP_ prefixes and lower case are accepted', () => {
    const p = parsePolicy('version: 1\ndeployment:\n  allowedCapabilities: [cap_net_bind_service]\n', 'p.yaml');
    assert.deepEqual(p.deployment?.allowedCapabilities, ['NET_BIND_SERVICE']);
  });
  test('misspelt keys get a suggestion', () => {
    assert.match(problems('version: 1\ndeployment:\n  readOnlyRootFileSystem: true\n')[0]!, /^p\.yaml:3:3: deployment\.readOnlyRootFileSystem: unknown key \(did you mean "readOnlyRootFilesystem"\?\)/);
    assert.match(problems('version: 1\ndeployment:\n  requireNoNewPrivilege: true\n')[0]!, /did you mean "requireNoNewPrivileges"/);
    assert.match(problems('version: 1\ndeployment:\n  hostPaths: [/etc]\n')[0]!, /did you mean "forbidHostPaths"/);
  });
  test('limit kinds, host paths and the caps pair are checked', () => {
    assert.match(problems('version: 1\ndeployment:\n  requireLimits: [memroy]\n')[0]!, /^p\.yaml:3:19: deployment\.requireLimits\[0\]: "memroy" is not allowed \(did you mean "memory"\?\)/);
    assert.match(problems('version: 1\ndeployment:\n  forbidHostPaths: [etc]\n')[0]!, /forbidHostPaths\[0\]: not an absolute path/);
    assert.match(problems('version: 1\ndeployment:\n  forbidCapabilities: [NET_ADMIN]\n  allowedCapabilities: []\n')[0]!, /give at most one of forbidCapabilities, allowedCapabilities/);
  });
});
