import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodePem } from './pem.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey, privateKeyNeedsPassphrase, publicKeyPem } from './keys.js';
import { signBytes, verifyBytes } from './signature-algorithm.js';

const testdata = new URL('./testdata/', import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'bulkhead-keys-'));
after(() => rmSync(work, { recursive: true, force: true }));

function openssl(args: string[], input?: string): string {
  if (!existsSync('/usr/bin/openssl')) throw new Error('openssl is required; install the Debian package "openssl"');
  return execFileSync('/usr/bin/openssl', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
}

test('a generated key is sealed in cosign\'s envelope and opens with its passphrase', () => {
  const pair = generateKeyPair({ passphrase: 'correct horse' });
  const block = decodePem(pair.privateKeyPem, 'generated');
  assert.equal(block.type, 'ENCRYPTED SIGSTORE PRIVATE KEY');
  const envelope = JSON.parse(block.bytes.toString('utf8'));
  // go-securesystemslib `encrypted`: scrypt "standard" parameters, 32-byte salt, 24-byte secretbox nonce.
  assert.deepEqual(envelope.kdf.params, { N: 65536, r: 8, p: 1 });
  assert.equal(Buffer.from(envelope.kdf.salt, 'base64').length, 32);
  assert.equal(envelope.cipher.name, 'nacl/secretbox');
  assert.equal(Buffer.from(envelope.cipher.nonce, 'base64').length, 24);
  assert.ok(privateKeyNeedsPassphrase(pair.privateKeyPem));

  const key = loadPrivateKey(pair.privateKeyPem, { passphrase: 'correct horse' });
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(publicKeyPem(key), pair.publicKeyPem);
});

test('a wrong passphrase is refused with a message saying so', () => {
  const pair = generateKeyPair({ passphrase: 'right' });
  assert.throws(() => loadPrivateKey(pair.privateKeyPem, { passphrase: 'wrong', what: 'my.key' }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'INPUT_INVALID');
    assert.match(e.message, /^my\.key: .*wrong passphrase/);
    return true;
  });
  assert.throws(() => loadPrivateKey(pair.privateKeyPem, { what: 'my.key' }), /no passphrase was given/);
});

test('a key written by cosign generate-key-pair (empty passphrase) is read and signs for its public key', () => {
  const pem = readFileSync(new URL('sigstore-rs/cosign_generated_encrypted_empty_private.key', testdata), 'utf8');
  const key = loadPrivateKey(pem, { passphrase: '' });
  assert.equal(key.asymmetricKeyType, 'ec');
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const pub = loadPublicKey(publicKeyPem(key));
  const data = Buffer.from('payload');
  assert.ok(verifyBytes(data, signBytes(data, key), pub));
  assert.throws(() => loadPrivateKey(pem, { passphrase: 'x' }), /wrong passphrase/);
});

test('keys and signatures interoperate with OpenSSL (PKCS#8 plain and encrypted, SPKI, DER ECDSA)', () => {
  const plain = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  const plainFile = join(work, 'plain.pem');
  writeFileSync(plainFile, plain);
  const encrypted = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', plainFile, '-passout', 'pass:secret']);
  assert.equal(privateKeyNeedsPassphrase(plain), false);
  const fromPlain = loadPrivateKey(plain);
  const fromEncrypted = loadPrivateKey(encrypted, { passphrase: 'secret' });
  assert.equal(publicKeyPem(fromPlain), publicKeyPem(fromEncrypted));
  assert.throws(() => loadPrivateKey(encrypted, { passphrase: 'nope' }), /wrong passphrase/);

  // Our signature and our .pub, checked by openssl dgst.
  const pair = generateKeyPair({ passphrase: 'p' });
  const key = loadPrivateKey(pair.privateKeyPem, { passphrase: 'p' });
  const data = Buffer.from('{"critical":{}}');
  writeFileSync(join(work, 'data'), data);
  writeFileSync(join(work, 'sig'), signBytes(data, key));
  writeFileSync(join(work, 'pub.pem'), pair.publicKeyPem);
  const out = openssl(['dgst', '-sha256', '-verify', join(work, 'pub.pem'), '-signature', join(work, 'sig'), join(work, 'data')]);
  assert.match(out, /Verified OK/);
});

test('public keys: SPKI accepted, private or garbage refused', () => {
  const pair = generateKeyPair();
  assert.match(pair.privateKeyPem, /BEGIN PRIVATE KEY/);
  assert.equal(loadPublicKey(pair.publicKeyPem).type, 'public');
  assert.throws(() => loadPublicKey(pair.privateKeyPem, 'k.pem'), /k\.pem: a PRIVATE KEY block is not a public key/);
  assert.throws(() => loadPublicKey('hello', 'k.pem'), /k\.pem: no PEM block/);
});
