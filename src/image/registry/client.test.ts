/**
 * The HTTP behaviour that a well-behaved registry never shows: retries, rate limits, redirects to
 * another origin, oversized and lying answers. Small servers on 127.0.0.1 play the misbehaving part.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BulkheadError } from '../../errors.js';
import { LIMITS } from '../limits.js';
import { RegistryClient, openRegistryImage, registryBaseUrl } from './index.js';
import { backoffDelay, parseRetryAfter } from './retry.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<{ registry: string; origin: string; requests: http.IncomingMessage[] }> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { registry: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, requests };
}
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };
const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function code(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BulkheadError, String(e));
    assert.ok(!e.message.includes('\n'));
    return { code: e.code, message: e.message };
  }
  return { code: 'none', message: '' };
}

test('retry policy: Retry-After wins within the cap; backoff grows with jitter', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter('soon'), undefined);
  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffDelay(1, policy, 50_000), 1000);
  assert.equal(backoffDelay(3, policy, undefined, () => 1), 400);
  assert.equal(backoffDelay(9, policy, undefined, () => 1), 1000);
  assert.equal(backoffDelay(3, policy, undefined, () => 0), 0);
});

test('Docker Hub is served by registry-1.docker.io; loopback registries speak plain HTTP', () => {
  assert.equal(registryBaseUrl('docker.io').href, 'https://registry-1.docker.io/');
  assert.equal(registryBaseUrl('ghcr.io').href, 'https://ghcr.io/');
  assert.equal(registryBaseUrl('127.0.0.1:5000').href, 'http://127.0.0.1:5000/');
  assert.equal(registryBaseUrl('localhost:5000').href, 'http://localhost:5000/');
  assert.equal(registryBaseUrl('[::1]:5000').href, 'http://[::1]:5000/');
});

test('GET is retried on 503 and on a reset connection', async () => {
  let n = 0;
  const s = await serve((req, res) => {
    n++;
    if (n === 1) return void res.writeHead(503).end();
    if (n === 2) return void req.socket.destroy();
    res.writeHead(200).end('{}');
  });
  const client = new RegistryClient({ registry: s.registry, ...fast });
  await client.ping();
  client.close();
  assert.equal(n, 3);
});

test('429 until the attempts run out is REGISTRY_RATE_LIMITED; Retry-After is honoured', async () => {
  const s = await serve((_req, res) => void res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'));
  const client = new RegistryClient({ registry: s.registry, retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000 } });
  const started = Date.now();
  const e = await code(client.getManifest('team/app', 'v1'));
  client.close();
  assert.equal(e.code, 'REGISTRY_RATE_LIMITED');
  assert.match(e.message, /^127\.0\.0\.1:\d+\/team\/app:v1: .*TOOMANYREQUESTS: slow down/);
  assert.equal(s.requests.length, 3);
  assert.ok(Date.now() - started < 5000, 'Retry-After: 0 replaced the 10 s backoff');
});

test('writes are not retried; 5xx and 403 carry the registry error', async () => {
  const s = await serve((req, res) => {
    if (req.method === 'HEAD') return void res.writeHead(404).end();
    if (req.url?.includes('/manifests/')) return void res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"disk\\nfull"}]}');
  });
  const client = new RegistryClient({ registry: s.registry, ...fast });
  const up = await code(client.uploadBlob('team/app', Buffer.from('x')));
  assert.equal(up.code, 'REGISTRY_ERROR');
  assert.match(up.message, /HTTP 500 from POST .*UNKNOWN: disk full/);
  assert.equal(s.requests.filter((r) => r.method === 'POST').length, 1);
  const denied = await code(client.getManifest('team/app', 'v1'));
  assert.equal(denied.code, 'REGISTRY_DENIED');
  assert.match(denied.message, /DENIED: requested access/);
  client.close();
});

test('a blob redirected to another origin is fetched without the Authorization header', async () => {
  const blob = Buffer.from('{"architecture":"amd64"}');
  const storage = await serve((_req, res) => void res.writeHead(200).end(blob));
  const registry = await serve((req, res) => {
    if (req.headers.authorization !== 'Basic ' + Buffer.from('u:p').toString('base64')) {
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
    }
    if (req.url?.startsWith('/v2/team/app/blobs/')) return void res.writeHead(307, { location: `${storage.origin}/bucket/object?X-Signature=secret` }).end();
    if (req.url === '/v2/same') return void res.writeHead(302, { location: '/v2/' }).end();
    res.writeHead(200).end('{}');
  });
  const client = new RegistryClient({ registry: registry.registry, credentials: { username: 'u', password: 'p' }, ...fast });
  await client.ping();
  assert.deepEqual(await client.getBlobBytes('team/app', sha(blob)), blob);
  client.close();
  assert.equal(storage.requests.length, 1);
  assert.equal(storage.requests[0]!.headers.authorization, undefined);
  assert.equal(storage.requests[0]!.url, '/bucket/object?X-Signature=secret');
  assert.ok(registry.requests.some((r) => r.url?.includes('/blobs/') && r.headers.authorization));
});

test('lying and oversized answers', async () => {
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'x', digest: sha('{}'), size: 2 }, layers: [] }));
  const big = Buffer.alloc(LIMITS.maxDocumentBytes + 1, 0x20);
  const s = await serve((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end();
    if (req.url?.endsWith('/manifests/lies')) return void res.writeHead(200, { 'docker-content-digest': sha('other'), 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
    if (req.url?.endsWith('/manifests/huge')) return void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(big);
    if (req.url?.endsWith('/manifests/old')) return void res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }).end('{"schemaVersion":1,"name":"old","tag":"old","fsLayers":[]}');
    res.writeHead(404).end();
  });
  const ref = (tag: string) => ({ registry: s.registry, repository: 'team/app', tag });
  assert.equal((await code(openRegistryImage(ref('lies'), { dockerConfig: '/dev/null/none' }))).code, 'INPUT_NOT_FOUND');
  assert.equal((await code(openRegistryImage(ref('lies'), { username: 'x' }))).code, 'DIGEST_MISMATCH');
  assert.equal((await code(openRegistryImage(ref('huge'), { username: 'x' }))).code, 'SIZE_LIMIT');
  assert.equal((await code(openRegistryImage(ref('old'), { username: 'x' }))).code, 'MANIFEST_UNSUPPORTED');
});

test('a refused connection is NETWORK_ERROR naming the URL; an abort stops a blob mid-stream', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': String(1 << 20) });
    res.write(Buffer.alloc(1024));
  });
  const dead = `127.0.0.1:${Number(s.registry.split(':')[1]) === 1 ? 2 : 1}`;
  const e = await code(new RegistryClient({ registry: dead, ...fast }).ping());
  assert.equal(e.code, 'NETWORK_ERROR');
  assert.match(e.message, /GET http:\/\/127\.0\.0\.1:\d+\/v2\//);
  const controller = new AbortController();
  const client = new RegistryClient({ registry: s.registry, ...fast });
  const { body } = await client.getBlob('team/app', sha('x'), controller.signal);
  const read = (async () => {
    for await (const _ of body) controller.abort();
  })();
  await assert.rejects(read);
  client.close();
});
