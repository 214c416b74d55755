/**
 * `bulkhead policy check` with a signature requirement, end to end: images in a real registry on
 * loopback, one signed with Bulkhead's cosign-format signing, one not; the policy's key decides.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { buildOciLayout, pushLayout, startRegistry, type RunningRegistry } from '../harness/registry.js';
import { generateKeyPair, loadPrivateKey, signImage } from '../../src/trust/index.js';
import { sigstoreFixtures } from '../../src/trust/sigstore-fixtures.js';

let registry: RunningRegistry;
let work: string;

before(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-policy-sig-'));
  const layout = join(work, 'layout');
  await buildOciLayout(layout, 't', [{ layers: [{ 'etc/marker': 'signed or not' }] }]);
  await pushLayout(registry, layout, 't', 'team/app:signed');
  await pushLayout(registry, layout, 't', 'team/other:unsigned');
  const pair = generateKeyPair({});
  writeFileSync(join(work, 'cosign.pub'), pair.publicKeyPem);
  const other = generateKeyPair({});
  writeFileSync(join(work, 'other.pub'), other.publicKeyPem);
  await signImage(`${registry.registry}/team/app:signed`, loadPrivateKey(pair.privateKeyPem), {});
});

after(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function policy(key: string): string {
  const file = join(work, `policy-${key}.yaml`);
  writeFileSync(file, `version: 1\ntrust:\n  registries: ["${registry.registry}"]\n  signatures:\n    keys: ["${join(work, key)}"]\n`);
  return file;
}

async function check(image: string, key: string): Promise<{ code: number; rules: { id: string; verdict: string; evidence: string[] }[]; stderr: string }> {
  const r = await runCli(['policy', 'check', `${registry.registry}/${image}`, '--policy', policy(key), '--format', 'json', '--no-progress']);
  assert.ok(r.code === 0 || r.code === 1, `policy check failed (${r.code}): ${r.stderr}`);
  return { code: r.code, rules: (JSON.parse(r.stdout) as { rules: { id: string; verdict: string; evidence: string[] }[] }).rules, stderr: r.stderr };
}

test('a signed image passes a policy that requires its key', async () => {
  const r = await check('team/app:signed', 'cosign.pub');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.rules.find((x) => x.id.includes('signature'))?.verdict, 'pass');
});

test('unsigned, or signed with another key: the signature rule fails with its reason', async () => {
  const unsigned = await check('team/other:unsigned', 'cosign.pub');
  assert.equal(unsigned.code, 1);
  const rule = unsigned.rules.find((x) => x.id.includes('signature'))!;
  assert.equal(rule.verdict, 'fail');
  assert.match(rule.evidence.join('\n'), /no signature found/);
  const wrongKey = await check('team/app:signed', 'other.pub');
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.rules.find((x) => x.id.includes('signature'))!.evidence.join('\n'), /does not verify|no valid/i);
});

test('keyless identities: an image without a keyless signature by that identity fails, with the reason', async () => {
  writeFileSync(join(work, 'trusted_root.json'), sigstoreFixtures().trustedRootJson);
  const file = join(work, 'policy-keyless.yaml');
  writeFileSync(file, `version: 1\ntrust:\n  signatures:\n    identities:\n      - issuer: https://github.com/login/oauth\n        subjectRegExp: "^brian@"\n    trustedRoot: ${join(work, 'trusted_root.json')}\n`);
  const r = await runCli(['policy', 'check', `${registry.registry}/team/app:signed`, '--policy', file, '--format', 'json', '--no-progress']);
  assert.equal(r.code, 1, r.stderr);
  const rule = (JSON.parse(r.stdout) as { rules: { id: string; verdict: string; evidence: string[] }[] }).rules.find((x) => x.id.includes('signature'))!;
  assert.equal(rule.verdict, 'fail');
  assert.match(rule.evidence.join('\n'), /no keyless signature by \^brian@ \(issuer https:\/\/github\.com\/login\/oauth\)/);
});
