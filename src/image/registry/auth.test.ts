import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTokenResponse, parseWwwAuthenticate, pickChallenge, repositoryScope, tokenUrl } from './auth.js';

// Header values from the token spec (distribution docs/spec/auth/token.md) and RFC 7235 §4.1.
test('parses the Bearer challenge of the token spec', () => {
  const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
  assert.deepEqual(parseWwwAuthenticate(header), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } },
  ]);
});

test('several challenges, spaces, unquoted values, escapes and commas inside quotes', () => {
  const header = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple, with comma"';
  const parsed = parseWwwAuthenticate(header);
  assert.deepEqual(parsed, [
    { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
    { scheme: 'basic', params: { realm: 'simple, with comma' } },
  ]);
  assert.equal(pickChallenge(parsed)?.scheme, 'basic');
  assert.equal(pickChallenge(parseWwwAuthenticate('Basic realm="x", Bearer realm="https://t/token"'))?.scheme, 'bearer');
  assert.deepEqual(parseWwwAuthenticate('BEARER REALM = "https://t/token" , Service=reg'), [{ scheme: 'bearer', params: { realm: 'https://t/token', service: 'reg' } }]);
  assert.deepEqual(parseWwwAuthenticate(''), []);
});

test('hostile headers end without hanging', () => {
  for (const h of ['"', 'Bearer realm="unterminated', '===', 'Bearer ,,,, realm', '\u0000\u0001 Bearer']) {
    assert.ok(Array.isArray(parseWwwAuthenticate(h)));
  }
});

test('token URL carries service and scope; the answer may say token or access_token', () => {
  const c = parseWwwAuthenticate('Bearer realm="https://auth.example/token?client=x",service="reg.example"')[0]!;
  const url = tokenUrl(c, [repositoryScope('team/app', ['pull'])]);
  assert.equal(url.searchParams.get('client'), 'x');
  assert.equal(url.searchParams.get('service'), 'reg.example');
  assert.deepEqual(url.searchParams.getAll('scope'), ['repository:team/app:pull']);
  assert.deepEqual(parseTokenResponse(Buffer.from('{"token":"a","expires_in":300}')), { token: 'a', expiresInSeconds: 300 });
  assert.deepEqual(parseTokenResponse(Buffer.from('{"access_token":"b"}')), { token: 'b' });
  assert.throws(() => parseTokenResponse(Buffer.from('{}')), /neither/);
  assert.throws(() => parseTokenResponse(Buffer.from('<html>')), /JSON/);
  assert.throws(() => tokenUrl({ scheme: 'bearer', params: {} }, []), /realm/);
});
