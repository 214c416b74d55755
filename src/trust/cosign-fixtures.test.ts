/**
 * Signatures written by cosign and by skopeo (containers/image with sigstore enabled), from the
 * containers/image test fixtures (see testdata/SOURCES.md), judged by Bulkhead's verifier.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadPrivateKey, loadPublicKey, publicKeyPem } from './keys.js';
import { SIGNATURE_ANNOTATION } from './signature-manifest.js';
import { SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.js';
import type { NamedPublicKey } from './types.js';
import { judgeSimpleSigning } from './verify-simple-signing.js';

const dir = new URL('./testdata/containers-image/', import.meta.url);
const cosignKey: NamedPublicKey = { name: 'cosign.pub', key: loadPublicKey(readFileSync(new URL('cosign.pub', dir), 'utf8')) };
// The repository the containers/image tests sign for (policy_eval_sigstore_test.go).
const SIGNED_REPOSITORY = '192.168.64.2:5000/cosign-signed-single-sample';

function load(name: string) {
  const raw = readFileSync(new URL(`${name}/signature-1`, dir));
  const header = Buffer.from('\0sigstore-json\n');
  assert.ok(raw.subarray(0, header.length).equals(header), `${name}: containers/image sigstore signature header`);
  const doc = JSON.parse(raw.subarray(header.length).toString('utf8')) as { mimeType: string; payload: string; annotations: Record<string, string> };
  assert.equal(doc.mimeType, SIMPLE_SIGNING_MEDIA_TYPE);
  const manifest = readFileSync(new URL(`${name}/manifest.json`, dir));
  return {
    input: { source: 'tag' as const, location: name, payload: Buffer.from(doc.payload, 'base64'), signature: Buffer.from(doc.annotations[SIGNATURE_ANNOTATION]!, 'base64') },
    digest: 'sha256:' + createHash('sha256').update(manifest).digest('hex'),
  };
}

test('a cosign signature of the image verifies', () => {
  const { input, digest } = load('dir-img-cosign-valid');
  const verdict = judgeSimpleSigning(input, [cosignKey], { digest, repository: SIGNED_REPOSITORY });
  assert.equal(verdict.status, 'valid', verdict.reason);
  assert.equal(verdict.signedDigest, digest);
});

test('a signature made by skopeo (containers/image) verifies; its docker-reference carries a tag', () => {
  const { input, digest } = load('dir-img-cosign-valid-with-tag');
  const verdict = judgeSimpleSigning(input, [cosignKey], { digest, repository: '192.168.64.2:5000/skopeo-signed' });
  assert.equal(verdict.status, 'valid', verdict.reason);
  const other = judgeSimpleSigning(input, [cosignKey], { digest, repository: SIGNED_REPOSITORY });
  assert.equal(other.status, 'identity-mismatch');
  assert.match(other.reason, /repository mismatch: signed for 192\.168\.64\.2:5000\/skopeo-signed:tag/);
});

test('a manifest changed after signing is a digest mismatch naming both digests', () => {
  for (const name of ['dir-img-cosign-modified-manifest', 'dir-img-cosign-manifest-digest-error']) {
    const { input, digest } = load(name);
    const verdict = judgeSimpleSigning(input, [cosignKey], { digest, repository: SIGNED_REPOSITORY });
    assert.equal(verdict.status, 'digest-mismatch', name);
    assert.equal(verdict.reason, `digest mismatch: signed ${verdict.signedDigest}, image is ${digest}`);
    assert.notEqual(verdict.signedDigest, digest);
  }
});

test('another key does not verify the cosign signature', () => {
  const { input, digest } = load('dir-img-cosign-valid');
  const other = loadPrivateKey(readFileSync(new URL('../sigstore-rs/cosign_generated_encrypted_empty_private.key', dir), 'utf8'), { passphrase: '' });
  const verdict = judgeSimpleSigning(input, [{ name: 'other.pub', key: loadPublicKey(publicKeyPem(other)) }], { digest, repository: SIGNED_REPOSITORY });
  assert.equal(verdict.status, 'bad-signature');
  assert.equal(verdict.reason, 'signature does not verify with other.pub');
  const tampered = { ...input, payload: Buffer.from(input.payload.toString().replace('single-sample', 'single-sampl3')) };
  assert.equal(judgeSimpleSigning(tampered, [cosignKey], { digest, repository: SIGNED_REPOSITORY }).status, 'bad-signature');
});
