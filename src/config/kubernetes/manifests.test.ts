import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkManifests } from './check-manifests.js';
import { parseManifests } from './manifest-source.js';
import { cidrContains } from './network-policy-rules.js';
import { isTrustedImage, parseImageReference } from './image-reference.js';

/** A real restricted-level pod from the upstream fixtures, used as the clean base of these tests. */
const BASE = readFileSync(new URL('../../../test/data/pss/restricted/v1.37/pass/base.yaml', import.meta.url), 'utf8');

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('Helm-rendered multi-document output: every document, its # Source, positions in the file', () => {
  const second = BASE.replace('name: base', 'name: second').replaceAll('registry.k8s.io/pause', 'nginx');
  const text = `---\n# Source: app/templates/a.yaml\n${BASE}---\n# Source: app/templates/b.yaml\n${second}---\n# Source: app/templates/empty.yaml\n`;
  const { manifests, warnings } = parseManifests('rendered.yaml', text);
  assert.deepEqual(warnings, []);
  assert.deepEqual(manifests.map((m) => m.helmSource), ['app/templates/a.yaml', 'app/templates/b.yaml']);
  const latest = checkManifests(manifests).filter((f) => f.id === 'BH-K8S-006' && f.evidence!.helmSource === 'app/templates/b.yaml');
  assert.equal(latest.length, 2, 'nginx without a tag, in containers and initContainers');
  assert.equal(Number(latest[0]!.evidence!.line), lineOf(text, '- image: nginx'));
  assert.equal(latest[0]!.evidence!.column, '5', 'the `image` key after "  - "');
});

test('JSON manifests and kind: List items are read, with positions inside the items', () => {
  const pod = parseManifests('p.yaml', BASE).manifests[0]!.object;
  const priv = structuredClone(pod) as any;
  priv.spec.containers[0].securityContext.privileged = true;
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod, priv] }, null, 2);
  const { manifests } = parseManifests('list.json', text);
  assert.equal(manifests.length, 2);
  const findings = checkManifests(manifests).filter((f) => f.id === 'PSS-privileged');
  assert.equal(findings.length, 1);
  assert.equal(Number(findings[0]!.evidence!.line), lineOf(text, '"privileged": true'));
});

test('YAML errors are warnings with file:line; non-Kubernetes documents are skipped', () => {
  const { manifests, warnings } = parseManifests('bad.yaml', `a: 1\n---\n${BASE}---\nkey: [unclosed\n`);
  assert.equal(manifests.length, 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^bad\.yaml:\d+: YAML document 3 skipped/);
});

test('hardening rules: limits, read-only root, token automount, digest, trusted registries', () => {
  const { manifests } = parseManifests('p.yaml', BASE);
  const ids = (opts = {}) => checkManifests(manifests, opts).map((f) => f.id);
  const plain = ids();
  // registry.k8s.io/pause: no tag, no digest
  for (const id of ['BH-K8S-001', 'BH-K8S-002', 'BH-K8S-003', 'BH-K8S-004', 'BH-K8S-006', 'BH-K8S-007']) assert.ok(plain.includes(id), id);
  assert.ok(!plain.includes('BH-K8S-005'), 'no trusted list, no check');
  assert.equal(ids({ trustedRegistries: ['ghcr.io'] }).filter((id) => id === 'BH-K8S-005').length, 2);
  assert.equal(ids({ trustedRegistries: ['registry.k8s.io'] }).filter((id) => id === 'BH-K8S-005').length, 0);
  const pinned = parseManifests('p.yaml', BASE.replaceAll('registry.k8s.io/pause', 'registry.k8s.io/pause:3.9@sha256:' + '0'.repeat(64))).manifests;
  const pinnedIds = checkManifests(pinned).map((f) => f.id);
  assert.ok(!pinnedIds.includes('BH-K8S-004') && !pinnedIds.includes('BH-K8S-006'));
});

test('image references: registry, tag, digest, trusted prefixes', () => {
  assert.deepEqual(parseImageReference('nginx'), { registry: 'docker.io', repository: 'library/nginx' });
  assert.deepEqual(parseImageReference('localhost:5000/a/b:1@sha256:ab'), { registry: 'localhost:5000', repository: 'a/b', tag: '1', digest: 'sha256:ab' });
  assert.ok(isTrustedImage(parseImageReference('ghcr.io/acme/app:1'), ['ghcr.io/acme']));
  assert.ok(!isTrustedImage(parseImageReference('ghcr.io/acmex/app:1'), ['ghcr.io/acme']));
  assert.ok(isTrustedImage(parseImageReference('nginx:1'), ['index.docker.io/library']));
});

const policy = (name: string, spec: object, namespace = 'default') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

function networkFindings(objects: object[]): string[] {
  const text = [BASE, ...objects.map((o) => JSON.stringify(o))].join('\n---\n');
  return checkManifests(parseManifests('all.yaml', text).manifests).filter((f) => f.id === 'BH-K8S-007' || f.id === 'BH-K8S-008').map((f) => `${f.id} ${f.evidence!.field}`);
}

test('default-deny NetworkPolicy per namespace, and egress to the metadata endpoint', () => {
  assert.deepEqual(networkFindings([]), ['BH-K8S-007 metadata.namespace']);
  assert.deepEqual(networkFindings([policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]), []);
  assert.deepEqual(networkFindings([policy('deny', { podSelector: {}, policyTypes: ['Ingress'] }, 'other')]), ['BH-K8S-007 metadata.namespace'], 'other namespace does not count');
  assert.deepEqual(networkFindings([policy('deny', { podSelector: { matchLabels: { a: 'b' } }, policyTypes: ['Ingress'] })]), ['BH-K8S-007 metadata.namespace']);
  const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const open = policy('egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
  assert.deepEqual(networkFindings([deny, open]), ['BH-K8S-008 spec.egress[0].to[0].ipBlock.cidr']);
  const excepted = policy('egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }] }] });
  assert.deepEqual(networkFindings([deny, excepted]), []);
  const dnsOnly = policy('egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
  assert.deepEqual(networkFindings([deny, dnsOnly]), []);
  const anywhere = policy('egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
  assert.deepEqual(networkFindings([deny, anywhere]), ['BH-K8S-008 spec.egress[0]']);
});

test('IPv4 CIDR containment', () => {
  const ip = [169, 254, 169, 254];
  assert.ok(cidrContains('169.254.169.254/32', ip));
  assert.ok(cidrContains('169.254.0.0/16', ip));
  assert.ok(cidrContains('0.0.0.0/0', ip));
  assert.ok(!cidrContains('10.0.0.0/8', ip));
  assert.ok(!cidrContains('::/0', ip));
});
