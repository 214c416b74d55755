import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encryptSecret } from '../secret-key.js';
import { registryAccess, repositoryMatcher } from './registry-access.js';

test('repository globs: * stays in a segment, ** crosses, ? is one character, none = all', () => {
  const m = repositoryMatcher(['team/*', 'infra/**', 'app?']);
  assert.deepEqual(['team/web', 'team/web/sub', 'infra/a/b', 'app1', 'app12', 'other'].filter(m), ['team/web', 'infra/a/b', 'app1']);
  assert.equal(repositoryMatcher([])('anything/at/all'), true);
});

test('registry access: credentials decrypt only with the server key; plain HTTP off loopback is insecure', () => {
  const key = randomBytes(32);
  const access = registryAccess({ url: 'http://registry.internal:5000', username: 'robot', secret_enc: encryptSecret(key, 's3cret') }, key);
  assert.deepEqual(access, { host: 'registry.internal:5000', insecure: true, credentials: { username: 'robot', password: 's3cret' } });
  assert.equal(registryAccess({ url: 'http://127.0.0.1:5000', username: null, secret_enc: null }, key).insecure, false);
  assert.throws(() => registryAccess({ url: 'https://r.example', username: 'robot', secret_enc: encryptSecret(randomBytes(32), 'x') }, key), /does not decrypt/);
});
