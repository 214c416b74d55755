/**
 * Keyless bundle verification against real Sigstore test vectors (sigstore-js fixtures, see
 * testdata/sigstore/SOURCES.md): bundles signed by Fulcio certificates for brian@dehamer.com via
 * GitHub OAuth, verified offline against the trusted root published with them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BulkheadError } from '../errors.js';
import { loadTrustMaterial, verifyKeylessBundle, type KeylessPolicy } from './keyless.js';
import { sigstoreFixtures } from './sigstore-fixtures.js';

const f = sigstoreFixtures();
const IDENTITY = 'brian@dehamer.com';
const ISSUER = 'https://github.com/login/oauth';
const policy: KeylessPolicy = { identity: IDENTITY, issuer: ISSUER, trustMaterial: loadTrustMaterial(f.trustedRootJson, 'trusted_root.json') };
type Json = Record<string, any>;
const clone = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;

const VALID: Array<[string, unknown, Buffer | undefined]> = [
  ['v0.1 message signature', f.v1['MESSAGE_SIGNATURE']!['WITH_SIGNING_CERT'], f.artifact],
  ['v0.1 DSSE (intoto tlog entry)', (f.v1['DSSE']!['WITH_SIGNING_CERT'] as Json)['TLOG_INTOTO'], undefined],
  ['v0.3 DSSE (dsse v0.0.2 tlog entry)', (f.v3['DSSE']!['WITH_SIGNING_CERT'] as Json)['TLOG_DSSEV002'], undefined],
  ['v0.3 message signature (hashedrekord v0.0.2)', f.v3['MESSAGE_SIGNATURE']!['TLOG_HASHEDREKORDV002'], f.artifact],
];

describe('verifyKeylessBundle', () => {
  for (const [name, bundle, artifact] of VALID) {
    test(`${name}: verifies with the right identity and issuer`, () => {
      const verdict = verifyKeylessBundle(bundle, artifact, policy);
      assert.equal(verdict.ok, true, verdict.reason);
      assert.match(verdict.reason, /brian@dehamer\.com.*github\.com\/login\/oauth/);
    });
  }

  test('the DSSE payload is returned for the caller to check its subject', () => {
    const verdict = verifyKeylessBundle((f.v3['DSSE']!['WITH_SIGNING_CERT'] as Json)['TLOG_DSSEV002'], undefined, policy);
    assert.equal(verdict.dssePayload?.payload.toString('utf8'), f.artifact.toString('utf8'));
  });

  const v1Message = f.v1['MESSAGE_SIGNATURE']!['WITH_SIGNING_CERT'];
  test('wrong identity is rejected, naming both identities', () => {
    const verdict = verifyKeylessBundle(v1Message, f.artifact, { ...policy, identity: 'someone@example.com' });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /identity.*someone@example\.com.*brian@dehamer\.com/);
  });

  test('an identity pattern (a policy subjectRegExp) matches the signer, or rejects it by name', () => {
    const { identity: _exact, ...issuerOnly } = policy;
    const ok = verifyKeylessBundle(v1Message, f.artifact, { ...issuerOnly, identityRegExp: '^brian@dehamer\\.com$' });
    assert.equal(ok.ok, true, ok.reason);
    assert.equal(ok.subject, IDENTITY);
    const no = verifyKeylessBundle(v1Message, f.artifact, { ...issuerOnly, identityRegExp: '^release@example\\.com$' });
    assert.equal(no.ok, false);
    assert.match(no.reason, /identity brian@dehamer\.com does not match \^release@example/);
  });

  test('wrong issuer is rejected, naming the issuer', () => {
    const verdict = verifyKeylessBundle(v1Message, f.artifact, { ...policy, issuer: 'https://accounts.google.com' });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /issuer=https:\/\/accounts\.google\.com.*issuer=https:\/\/github\.com\/login\/oauth/);
  });

  test('a tampered signature is rejected', () => {
    const bundle = clone(v1Message);
    const sig = Buffer.from(bundle['messageSignature'].signature as string, 'base64');
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01;
    bundle['messageSignature'].signature = sig.toString('base64');
    const verdict = verifyKeylessBundle(bundle, f.artifact, policy);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /verification failed/);
  });

  test('another artifact is rejected', () => {
    const verdict = verifyKeylessBundle(v1Message, Buffer.from('hello, world?'), policy);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /verification failed/);
  });

  test('a trusted root without the issuing CA is rejected', () => {
    const root = clone(JSON.parse(f.trustedRootJson));
    root['certificateAuthorities'] = [];
    const verdict = verifyKeylessBundle(v1Message, f.artifact, { ...policy, trustMaterial: loadTrustMaterial(JSON.stringify(root), 'no-ca.json') });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /CERTIFICATE_ERROR|certificate/i);
  });

  test('a trusted root without the transparency log is rejected', () => {
    const root = clone(JSON.parse(f.trustedRootJson));
    root['tlogs'] = [];
    const verdict = verifyKeylessBundle(v1Message, f.artifact, { ...policy, trustMaterial: loadTrustMaterial(JSON.stringify(root), 'no-tlog.json') });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /TLOG|log/i);
  });

  test('a bundle without a transparency-log entry is rejected (one entry is required)', () => {
    const verdict = verifyKeylessBundle(f.v3['MESSAGE_SIGNATURE']!['WITH_SIGNING_CERT'], f.artifact, policy);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /tlog entries/);
  });

  test('a key-signed bundle is not a keyless signature', () => {
    const verdict = verifyKeylessBundle(f.v1['MESSAGE_SIGNATURE']!['WITH_PUBLIC_KEY'], f.artifact, policy);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason, /signed with a key/);
  });

  test('identity and issuer are both required', () => {
    assert.throws(() => verifyKeylessBundle(v1Message, f.artifact, { ...policy, issuer: '' }), (e: unknown) => e instanceof BulkheadError && e.code === 'USAGE');
  });

  test('a file that is not a trusted root is refused', () => {
    assert.throws(() => loadTrustMaterial(JSON.stringify(clone(v1Message)), 'bundle.json'), /bundle\.json: not a Sigstore trusted root/);
  });
});
