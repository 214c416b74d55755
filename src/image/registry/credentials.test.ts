import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { credentialsFor, dockerConfigPath, normalizeAuthKey, parseDockerConfig, resolveCredentials } from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('auths entries: base64 auth, username/password, Docker Hub key, key spellings', () => {
  const config = parseDockerConfig(
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
        'https://registry.example.com/v2/': { username: 'u', password: 'p' },
        'http://10.0.0.5:5000': { auth: b64('a:b') },
        'helper-only.example': {},
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    }),
    'config.json',
  );
  // a colon inside the password stays in the password
  assert.deepEqual(credentialsFor(config, 'docker.io'), { username: 'hubuser', password: 'hub:pass' });
  assert.deepEqual(credentialsFor(config, 'registry.example.com'), { username: 'u', password: 'p' });
  assert.deepEqual(credentialsFor(config, '10.0.0.5:5000'), { username: 'a', password: 'b' });
  assert.equal(credentialsFor(config, 'helper-only.example'), undefined);
  assert.equal(config.helpers['gcr.io'], 'gcloud');
  assert.equal(normalizeAuthKey('registry-1.docker.io'), 'docker.io');
  assert.equal(normalizeAuthKey('HTTPS://Reg.Example:443/v1/'), 'reg.example:443');
});

test('bad config files fail with the file named and no secret echoed', () => {
  assert.throws(() => parseDockerConfig('{', '/x/config.json'), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_INVALID' && e.message.startsWith('/x/config.json'));
  assert.throws(
    () => parseDockerConfig(JSON.stringify({ auths: { r: { auth: b64('no-colon-secret') } } }), 'c.json'),
    (e: unknown) => e instanceof BulkheadError && !e.message.includes('no-colon-secret'),
  );
});

test('where the config is looked for, and what wins', async () => {
  assert.equal(dockerConfigPath('/explicit.json', {}), '/explicit.json');
  assert.equal(dockerConfigPath(undefined, { DOCKER_CONFIG: '/etc/dc' }), '/etc/dc/config.json');
  assert.match(dockerConfigPath(undefined, {}), /\.docker\/config\.json$/);
  const dir = await mkdtemp(join(tmpdir(), 'bulkhead-creds-'));
  try {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ auths: { 'reg.example': { auth: b64('file:user') } }, credsStore: 'desktop' }));
    assert.deepEqual(await resolveCredentials('reg.example', { dockerConfig: file }), { credentials: { username: 'file', password: 'user' } });
    assert.deepEqual(await resolveCredentials('reg.example', { dockerConfig: file, username: 'opt', password: 'pw' }), { credentials: { username: 'opt', password: 'pw' } });
    const other = await resolveCredentials('other.example', { dockerConfig: file });
    assert.equal(other.credentials, undefined);
    assert.match(other.note ?? '', /credential helper "desktop"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
