/**
 * The server key: created once with mode 0600, read back, or taken from BULKHEAD_SERVER_KEY; the
 * derived keys match HKDF-SHA256 computed by OpenSSL (`openssl kdf ... HKDF`, Debian package
 * openssl); secrets at rest round-trip and any change to them is detected.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BulkheadError } from '../errors.js';
import { decryptSecret, deriveKeys, encryptSecret, loadMasterKey } from './secret-key.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-key-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function opensslHkdf(master: Buffer, info: string): string {
  const result = spawnSync('openssl', ['kdf', '-keylen', '32', '-kdfopt', 'digest:SHA256', '-kdfopt', `hexkey:${master.toString('hex')}`, '-kdfopt', `info:${info}`, 'HKDF'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`openssl (Debian package openssl) is needed as the HKDF reference: ${result.error?.message ?? result.stderr}`);
  return result.stdout.trim().replace(/:/gu, '').toLowerCase();
}

test('the key file is created once, 32 bytes, mode 0600, and read back', () => {
  const file = join(tmp, 'state', 'server.key');
  const env = {};
  assert.throws(() => loadMasterKey(file, { create: false, env }), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_NOT_FOUND');
  const key = loadMasterKey(file, { create: true, env });
  assert.equal(key.length, 32);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(tmp, 'state')).mode & 0o077, 0, 'the folder is private too');
  assert.ok(loadMasterKey(file, { create: true, env }).equals(key), 'not replaced on the next start');
  writeFileSync(join(tmp, 'short.key'), randomBytes(16));
  assert.throws(() => loadMasterKey(join(tmp, 'short.key'), { create: false, env }), /32 bytes/u);
});

test('BULKHEAD_SERVER_KEY wins over the file and must be 32 bytes of base64', () => {
  const fromEnv = randomBytes(32);
  const file = join(tmp, 'env', 'server.key');
  assert.ok(loadMasterKey(file, { create: true, env: { BULKHEAD_SERVER_KEY: fromEnv.toString('base64') } }).equals(fromEnv));
  assert.throws(() => statSync(file), 'no file is written when the key comes from the environment');
  assert.throws(() => loadMasterKey(file, { create: true, env: { BULKHEAD_SERVER_KEY: randomBytes(31).toString('base64') } }), (e: unknown) => e instanceof BulkheadError && e.code === 'USAGE');
});

test('derived keys are HKDF-SHA256 (as OpenSSL computes it) and differ per purpose', () => {
  const master = randomBytes(32);
  const keys = deriveKeys(master);
  assert.equal(keys.encryption.toString('hex'), opensslHkdf(master, 'bulkhead server secrets v1'));
  assert.equal(keys.audit.toString('hex'), opensslHkdf(master, 'bulkhead audit chain v1'));
  assert.ok(!keys.encryption.equals(keys.audit));
});

test('secrets round-trip and every change is detected', () => {
  const { encryption } = deriveKeys(randomBytes(32));
  for (const plain of ['', 'registry-password', 'pässwörd ☃'.repeat(100)]) {
    const enc = encryptSecret(encryption, plain);
    assert.ok(!enc.includes(plain) || plain === '', 'not stored in clear');
    assert.equal(decryptSecret(encryption, enc), plain);
  }
  const enc = encryptSecret(encryption, 'registry-password');
  assert.notEqual(enc, encryptSecret(encryption, 'registry-password'), 'a fresh IV every time');
  const parts = enc.split(':');
  for (const index of [1, 2, 3]) {
    const bytes = Buffer.from(parts[index]!, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    const tampered = parts.map((p, i) => (i === index ? bytes.toString('base64') : p)).join(':');
    assert.throws(() => decryptSecret(encryption, tampered), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_INVALID', `part ${index}`);
  }
  assert.throws(() => decryptSecret(deriveKeys(randomBytes(32)).encryption, enc), /does not decrypt/u);
  assert.throws(() => decryptSecret(encryption, 'v2:' + parts.slice(1).join(':')), /unknown format/u);
});
