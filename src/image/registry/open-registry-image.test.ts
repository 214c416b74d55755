/**
 * End to end against the real registry (Debian `docker-registry`, CNCF Distribution 2.8): images are
 * built from real tar files, pushed by skopeo, and read back through openRegistryImage.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BulkheadError } from '../../errors.js';
import type { ImageSource } from '../types.js';
import { openRegistryImage, RegistryClient } from './index.js';
import { parseWwwAuthenticate, pickChallenge } from './auth.js';
import { createTransport } from './http.js';
import { blobDataPath, buildOciLayout, pushLayout, startRegistry, type BuiltImage, type RunningRegistry } from '../../../test/harness/registry.js';

const run = promisify(execFile);

const BASE_FILES = { 'etc/os-release': 'ID=bulkhead-test\nVERSION_ID=1\n', 'usr/bin/hello': '#!/bin/sh\necho hello\n' };
const APP_FILES = { 'app/config.json': '{"debug":false}\n', 'app/data/readme.txt': 'read me\n' };

async function readAll(image: ImageSource): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const layer of image.layers) {
    for await (const entry of image.entries(layer)) {
      if (entry.type === 'file') files.set(entry.path, (await entry.read(1 << 20))!.toString('utf8'));
    }
  }
  return files;
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<BulkheadError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BulkheadError, `expected a BulkheadError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!e.message.includes('\n'), 'error messages are one line');
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bulkhead-registry-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('htpasswd (Basic) registry', () => {
  let reg: RunningRegistry;
  let image: BuiltImage;
  let multi: BuiltImage[];

  before(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    const layout = join(work, 'single');
    ({ images: [image] } = (await buildOciLayout(layout, 'v1', [{ layers: [BASE_FILES, APP_FILES] }])) as { images: [BuiltImage] });
    await pushLayout(reg, layout, 'v1', 'test/img:1');
    const multiLayout = join(work, 'multi');
    ({ images: multi } = await buildOciLayout(multiLayout, 'v1', [
      { layers: [{ 'arch.txt': 'amd64\n' }], platform: { os: 'linux', architecture: 'amd64' } },
      { layers: [{ 'arch.txt': 'arm64\n' }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]));
    await pushLayout(reg, multiLayout, 'v1', 'test/multi:1');
  });
  after(async () => reg?.stop());

  test('opens a pushed image: digests, layers aligned with diff_ids and history, entries', async () => {
    const img = await openRegistryImage({ registry: reg.registry, repository: 'test/img', tag: '1' }, { username: reg.username, password: reg.password });
    try {
      assert.equal(img.transport, 'registry');
      assert.equal(img.cacheable, true);
      assert.equal(img.manifestDigest, image.manifestDigest);
      assert.equal(img.configDigest, image.configDigest);
      assert.deepEqual(img.layers.map((l) => l.digest), image.layerDigests);
      assert.deepEqual(img.layers.map((l) => l.diffId), image.diffIds);
      // the config history has an empty_layer entry between the two; it must be skipped
      assert.deepEqual(img.layers.map((l) => l.createdBy), image.createdBy);
      assert.deepEqual(Object.fromEntries(await readAll(img)), { ...BASE_FILES, ...APP_FILES });
    } finally {
      await img.close();
    }
  });

  test('by digest, and credentials from a Docker config written by skopeo login', async () => {
    const authfile = join(work, 'auth.json');
    await run('/usr/bin/skopeo', ['login', '--tls-verify=false', '--authfile', authfile, '--username', reg.username, '--password', reg.password, reg.registry]);
    const img = await openRegistryImage({ registry: reg.registry, repository: 'test/img', digest: image.manifestDigest }, { dockerConfig: authfile });
    try {
      assert.equal(img.manifestDigest, image.manifestDigest);
      assert.equal((await readAll(img)).get('etc/os-release'), BASE_FILES['etc/os-release']);
    } finally {
      await img.close();
    }
  });

  test('wrong or missing credentials are REGISTRY_UNAUTHORIZED', async () => {
    const ref = { registry: reg.registry, repository: 'test/img', tag: '1' };
    const e = await rejectsWith(openRegistryImage(ref, { username: reg.username, password: 'wrong-password' }), 'REGISTRY_UNAUTHORIZED', new RegExp(reg.registry));
    assert.ok(!e.message.includes('wrong-password'));
    await rejectsWith(openRegistryImage(ref, { dockerConfig: join(work, 'no-such-config.json') }), 'INPUT_NOT_FOUND');
    const empty = join(work, 'empty-config.json');
    await writeFile(empty, '{"auths":{}}');
    await rejectsWith(openRegistryImage(ref, { dockerConfig: empty }), 'REGISTRY_UNAUTHORIZED');
  });

  test('a missing tag or repository is REGISTRY_NOT_FOUND naming what is missing', async () => {
    const creds = { username: reg.username, password: reg.password };
    await rejectsWith(openRegistryImage({ registry: reg.registry, repository: 'test/img', tag: 'missing' }, creds), 'REGISTRY_NOT_FOUND', /test\/img:missing: manifest not found .*MANIFEST_UNKNOWN/);
    await rejectsWith(openRegistryImage({ registry: reg.registry, repository: 'test/nothing', tag: '1' }, creds), 'REGISTRY_NOT_FOUND', /repository not found .*NAME_UNKNOWN/);
  });

  test('an index resolves to the requested platform; an absent platform lists the ones there are', async () => {
    const creds = { username: reg.username, password: reg.password };
    const ref = { registry: reg.registry, repository: 'test/multi', tag: '1' };
    const arm = await openRegistryImage(ref, { ...creds, platform: { os: 'linux', architecture: 'arm64' } });
    try {
      assert.equal(arm.manifestDigest, multi[1]!.manifestDigest);
      assert.equal((await readAll(arm)).get('arch.txt'), 'arm64\n');
    } finally {
      await arm.close();
    }
    const amd = await openRegistryImage(ref, creds);
    await amd.close();
    assert.equal(amd.manifestDigest, multi[0]!.manifestDigest);
    await rejectsWith(openRegistryImage(ref, { ...creds, platform: { os: 'linux', architecture: 's390x' } }), 'PLATFORM_NOT_FOUND', /linux\/amd64, linux\/arm64\/v8/);
  });

  test('corrupted blobs in the registry storage are DIGEST_MISMATCH', async () => {
    const creds = { username: reg.username, password: reg.password };
    // A separate image, so the shared content-addressed blobs of the others stay intact.
    const layout = join(work, 'corrupt');
    const { images: [bad] } = (await buildOciLayout(layout, 'v1', [{ layers: [{ 'victim.txt': 'this layer will be corrupted\n' }] }])) as { images: [BuiltImage] };
    await pushLayout(reg, layout, 'v1', 'test/corrupt:1');
    const ref = { registry: reg.registry, repository: 'test/corrupt', tag: '1' };

    // Layer: change the gzip header's MTIME bytes (RFC 1952 §2.3.1), which gunzip ignores, so the tar
    // still reads and only the digest check can notice.
    const layerFile = blobDataPath(reg, bad.layerDigests[0]!);
    const layer = await readFile(layerFile);
    layer[4] = layer[4]! ^ 0xff;
    await writeFile(layerFile, layer);
    const img = await openRegistryImage(ref, creds);
    try {
      await rejectsWith(readAll(img), 'DIGEST_MISMATCH', new RegExp(`layer 0 \\(${bad.layerDigests[0]}\\)`));
    } finally {
      await img.close();
    }

    // Config: verified as a whole when the image is opened.
    const configFile = blobDataPath(reg, bad.configDigest);
    const config = await readFile(configFile);
    await writeFile(configFile, Buffer.from(config.toString('utf8').replace('PATH=/usr/bin', 'PATH=/usr/bad')));
    await rejectsWith(openRegistryImage(ref, creds), 'DIGEST_MISMATCH', /config/);

    // Manifest asked for by its digest: the bytes served no longer have that digest.
    const manifestFile = blobDataPath(reg, bad.manifestDigest);
    await writeFile(manifestFile, Buffer.concat([await readFile(manifestFile), Buffer.from('\n')]));
    await rejectsWith(openRegistryImage({ registry: ref.registry, repository: ref.repository, digest: bad.manifestDigest }, creds), 'DIGEST_MISMATCH');
  });

  test('client: tags, catalog, referrers fallback, and the push helpers', async () => {
    const client = new RegistryClient({ registry: reg.registry, credentials: { username: reg.username, password: reg.password } });
    try {
      await client.ping();
      assert.deepEqual(await client.listTags('test/img'), ['1']);
      const repos = await client.catalog({ pageSize: 1 });
      assert.ok(['test/img', 'test/multi'].every((r) => repos.includes(r)), repos.join(','));
      // Distribution 2.8 has no referrers API: the fallback tag is looked up and is absent.
      assert.deepEqual(await client.referrers('test/img', image.manifestDigest), []);

      const payload = Buffer.from('{"note":"pushed by the client"}');
      const blobDigest = await client.uploadBlob('test/pushed', payload);
      assert.equal(await client.hasBlob('test/pushed', blobDigest), true);
      assert.deepEqual(await client.getBlobBytes('test/pushed', blobDigest), payload);
      const empty = await client.uploadBlob('test/pushed', Buffer.from('{}'));
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: empty, size: 2 },
        layers: [{ mediaType: 'application/vnd.example.note+json', digest: blobDigest, size: payload.length }],
      }));
      const digest = await client.putManifest('test/pushed', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
      const fetched = await client.getManifest('test/pushed', 'v1');
      assert.equal(fetched.digest, digest);
      assert.deepEqual(fetched.bytes, manifest);
      assert.deepEqual(await client.listTags('test/pushed'), ['v1']);
      // skopeo, a reference client, reads what we pushed
      const { stdout } = await run('/usr/bin/skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `${reg.username}:${reg.password}`, `docker://${reg.registry}/test/pushed:v1`]);
      assert.deepEqual(Buffer.from(stdout), manifest);
    } finally {
      client.close();
    }
  });
});

describe('token (Bearer) registry', () => {
  let reg: RunningRegistry;
  let image: BuiltImage;

  before(async () => {
    reg = await startRegistry({ auth: 'token' });
    const layout = join(work, 'token');
    ({ images: [image] } = (await buildOciLayout(layout, 'v1', [{ layers: [BASE_FILES] }])) as { images: [BuiltImage] });
    await pushLayout(reg, layout, 'v1', 'test/img:1');
  });
  after(async () => reg?.stop());

  test('pulls with a token fetched with Basic credentials for scope repository:NAME:pull', async () => {
    reg.tokenRequests.length = 0;
    const img = await openRegistryImage({ registry: reg.registry, repository: 'test/img', tag: '1' }, { username: reg.username, password: reg.password });
    try {
      assert.equal(img.manifestDigest, image.manifestDigest);
      assert.deepEqual(Object.fromEntries(await readAll(img)), BASE_FILES);
    } finally {
      await img.close();
    }
    const pull = reg.tokenRequests.filter((r) => r.scopes.includes('repository:test/img:pull'));
    assert.ok(pull.length >= 1, JSON.stringify(reg.tokenRequests));
    assert.ok(pull.every((r) => r.user === reg.username && r.service === 'bulkhead-test-registry'));
    // the token is cached: one token request per scope, not per blob
    assert.equal(pull.length, 1);
  });

  test('the challenge the real registry sends parses into realm, service and scope', async () => {
    const res = await fetch(`http://${reg.registry}/v2/test/img/manifests/1`);
    await res.body?.cancel();
    assert.equal(res.status, 401);
    const challenge = pickChallenge(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? ''));
    assert.equal(challenge?.scheme, 'bearer');
    assert.match(challenge?.params['realm'] ?? '', /^http:\/\/127\.0\.0\.1:\d+\/token$/);
    assert.equal(challenge?.params['service'], 'bulkhead-test-registry');
    assert.equal(challenge?.params['scope'], 'repository:test/img:pull');
  });

  test('anonymous callers get a token without access: REGISTRY_UNAUTHORIZED', async () => {
    const empty = join(work, 'token-empty-config.json');
    await writeFile(empty, '{}');
    await rejectsWith(openRegistryImage({ registry: reg.registry, repository: 'test/img', tag: '1' }, { dockerConfig: empty }), 'REGISTRY_UNAUTHORIZED');
  });

  test('a wrong password is refused by the token server: REGISTRY_UNAUTHORIZED', async () => {
    const e = await rejectsWith(
      openRegistryImage({ registry: reg.registry, repository: 'test/img', tag: '1' }, { username: reg.username, password: 'nope' }),
      'REGISTRY_UNAUTHORIZED',
      /token/,
    );
    assert.ok(!e.message.includes('nope'));
  });
});

describe('--insecure', () => {
  let tls: RunningRegistry;
  let plain: RunningRegistry;

  before(async () => {
    [tls, plain] = await Promise.all([startRegistry({ tls: true }), startRegistry()]);
    const layout = join(work, 'insecure');
    await buildOciLayout(layout, 'v1', [{ layers: [{ 'tls.txt': 'over https\n' }] }]);
    await pushLayout(tls, layout, 'v1', 'test/img:1');
    await pushLayout(plain, layout, 'v1', 'test/img:1');
  });
  after(async () => Promise.all([tls?.stop(), plain?.stop()]));

  test('accepts a self-signed certificate, and falls back to plain HTTP', async () => {
    for (const reg of [tls, plain]) {
      const img = await openRegistryImage({ registry: reg.registry, repository: 'test/img', tag: '1' }, { insecure: true });
      try {
        assert.equal((await readAll(img)).get('tls.txt'), 'over https\n');
      } finally {
        await img.close();
      }
    }
    const client = new RegistryClient({ registry: tls.registry, insecure: true });
    await client.ping();
    assert.equal(client.baseUrl.protocol, 'https:');
    client.close();
  });

  test('without it, a self-signed certificate is refused', async () => {
    const client = new RegistryClient({ registry: `localhost:${tls.port}` });
    // loopback means plain HTTP, which a TLS registry does not speak
    await rejectsWith(client.ping(), 'REGISTRY_ERROR', /HTTP 400/);
    client.close();
    // HTTPS with certificate checks (what a non-loopback registry gets) refuses the certificate
    const transport = createTransport();
    await rejectsWith(transport.send({ method: 'GET', url: new URL(`https://${tls.registry}/v2/`), headers: {} }), 'NETWORK_ERROR', /self-signed.*--insecure/);
    transport.close();
  });
});
