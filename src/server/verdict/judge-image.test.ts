import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Finding, Severity } from '../../findings/index.js';
import { evaluatePolicy, parsePolicy, type PolicyFacts } from '../../policy/index.js';
import { combinePolicyVerdicts, combineSignatureChecks, isNewFailure, judgeImage, type ActivePolicy, type SignatureCheck } from './judge-image.js';
import { policyFailAlert } from './policy-fail-alert.js';

/**
 * The verdict's pure part. Findings come from real OSV records (test/data/osv); every rule outcome is
 * compared with what `evaluatePolicy` itself says, so the expectations are the policy engine's.
 */
const NOW = new Date('2026-03-01T12:00:00Z');

function fromOsv(file: string, pkg: string, version: string): Finding {
  const record = JSON.parse(readFileSync(`test/data/osv/npm/${file}.json`, 'utf8')) as { id: string; aliases?: string[]; database_specific?: { severity?: string } };
  const raw = (record.database_specific?.severity ?? 'unknown').toLowerCase();
  const id = record.aliases?.find((a) => a.startsWith('CVE-')) ?? record.id;
  return {
    id,
    kind: 'vulnerability',
    severity: (raw === 'moderate' ? 'medium' : raw) as Severity,
    title: `${id} in ${pkg}`,
    target: { image: '127.0.0.1:5000/team/app@sha256:' + 'a'.repeat(64), package: { name: pkg, version, type: 'npm', purl: `pkg:npm/${pkg}@${version}` } },
    vulnerability: { ids: [id, record.id], ecosystem: 'npm', records: [record.id], fixedVersions: [], matchedBy: 'range', cvss: [], references: [] },
  };
}

// minimist 1.2.0: critical (GHSA-xvch-5gv4-984h)
const critical = fromOsv('GHSA-xvch-5gv4-984h', 'minimist', '1.2.0');
const facts: PolicyFacts = {
  image: { reference: '127.0.0.1:5000/team/app@sha256:' + 'a'.repeat(64), registry: '127.0.0.1:5000', repository: 'team/app', digest: 'sha256:' + 'a'.repeat(64), labels: {} },
  findings: [critical],
  scanned: ['vulnerability'],
  packages: [{ name: 'minimist', version: '1.2.0', type: 'npm' }],
};

function active(name: string, version: number, yaml: string): ActivePolicy {
  return { name, version, policy: parsePolicy(yaml, name) };
}

const strict = active('strict', 3, 'version: 1\nvulnerabilities:\n  maxSeverity: high\ntrust:\n  signatures:\n    keys: [keys/ci.pub]\n');
const lenient = active('lenient', 1, 'version: 1\nvulnerabilities:\n  maxSeverity: critical\n');

const signed: SignatureCheck = { outcome: 'checked', facts: [{ verified: true, keyId: 'keys/ci.pub', reason: 'ok' }], found: 1 };
const unsigned: SignatureCheck = { outcome: 'checked', facts: [{ verified: false, reason: 'no signature found' }], found: 0 };
const badlySigned: SignatureCheck = { outcome: 'checked', facts: [{ verified: false, reason: 'signature does not verify' }], found: 1 };
const notRegistry: SignatureCheck = { outcome: 'not-registry', facts: [{ verified: false, reason: 'not in a registry' }] };
const failedLookup: SignatureCheck = { outcome: 'error', facts: [{ verified: false, reason: 'registry unreachable' }], reason: 'registry unreachable' };

describe('combinePolicyVerdicts', () => {
  for (const [verdicts, expected] of [
    [[], 'unknown'],
    [['pass'], 'pass'],
    [['pass', 'pass'], 'pass'],
    [['pass', 'fail'], 'fail'],
    [['fail'], 'fail'],
  ] as const) {
    test(`${JSON.stringify(verdicts)} → ${expected}`, () => assert.equal(combinePolicyVerdicts(verdicts), expected));
  }
});

describe('combineSignatureChecks', () => {
  for (const [name, checks, expected] of [
    ['no policy names a key', [], 'unknown'],
    ['a signature verifies', [signed], 'verified'],
    ['one policy verified, another found none', [unsigned, signed], 'verified'],
    ['no signature', [unsigned], 'unsigned'],
    ['signatures, none verifies', [badlySigned], 'invalid'],
    ['not a registry image', [notRegistry], 'unknown'],
    ['the lookup failed', [failedLookup], 'unknown'],
    ['the lookup failed for one policy, none for another', [failedLookup, unsigned], 'unknown'],
  ] as const) {
    test(`${name} → ${expected}`, () => assert.equal(combineSignatureChecks(checks), expected));
  }
});

describe('judgeImage', () => {
  test('each policy is judged by evaluatePolicy with its signature check; any failure fails the image', () => {
    const verdict = judgeImage([strict, lenient], facts, new Map([['strict', unsigned]]), NOW);
    const strictAlone = evaluatePolicy(strict.policy, { ...facts, signatures: unsigned.facts }, NOW);
    const lenientAlone = evaluatePolicy(lenient.policy, facts, NOW);
    assert.deepEqual(verdict.policies.map((p) => p.result), [strictAlone, lenientAlone]);
    assert.equal(strictAlone.verdict, 'fail');
    assert.equal(lenientAlone.verdict, 'pass');
    assert.equal(verdict.policyStatus, 'fail');
    assert.equal(verdict.signatureStatus, 'unsigned');
    assert.deepEqual(
      verdict.failedRules.map((f) => [f.policyName, f.policyVersion, f.rule]),
      strictAlone.rules.filter((r) => r.verdict === 'fail').map((r) => ['strict', 3, r.id]),
    );
    assert.deepEqual(verdict.failedRules.map((f) => f.rule).sort(), ['signature', 'vulnerability-severity'].sort());
  });

  test('a verified signature by the policy key passes its signature rule', () => {
    const verdict = judgeImage([strict], facts, new Map([['strict', signed]]), NOW);
    assert.equal(verdict.signatureStatus, 'verified');
    assert.equal(verdict.policies[0]!.result.rules.find((r) => r.id === 'signature')?.verdict, 'pass');
    assert.deepEqual(verdict.failedRules.map((f) => f.rule), ['vulnerability-severity']);
  });

  test('without a check the signature rule is skipped, as the engine skips any absent fact', () => {
    const verdict = judgeImage([strict], facts, new Map(), NOW);
    assert.equal(verdict.policies[0]!.result.rules.find((r) => r.id === 'signature')?.verdict, 'skipped');
    assert.equal(verdict.signatureStatus, 'unknown');
  });

  test('no active policy: unknown, nothing failed', () => {
    const verdict = judgeImage([], facts, new Map(), NOW);
    assert.equal(verdict.policyStatus, 'unknown');
    assert.deepEqual(verdict.failedRules, []);
  });
});

describe('alerts', () => {
  test('only a change to fail alerts', () => {
    assert.equal(isNewFailure('unknown', 'fail'), true);
    assert.equal(isNewFailure('pass', 'fail'), true);
    assert.equal(isNewFailure('fail', 'fail'), false);
    assert.equal(isNewFailure('fail', 'pass'), false);
    assert.equal(isNewFailure('pass', 'unknown'), false);
  });

  test('the policy-fail alert names the image and the failed rules', () => {
    const verdict = judgeImage([strict], facts, new Map([['strict', unsigned]]), NOW);
    const alert = policyFailAlert({ digest: facts.image.digest!, repository: '127.0.0.1:5000/team/app', tags: ['1'] }, verdict.failedRules, NOW);
    assert.equal(alert.kind, 'policy-fail');
    assert.match(alert.title, /^127\.0\.0\.1:5000\/team\/app:1 fails policy strict v3 \(/u);
    for (const f of verdict.failedRules) assert.ok(alert.title.includes(f.rule), f.rule);
    assert.equal((alert.details['failedRules'] as unknown[]).length, verdict.failedRules.length);
  });
});
