import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BulkheadError } from '../../errors.js';
import type { Platform } from '../types.js';
import { MEDIA_TYPES, normalizePlatform, parseManifest, selectPlatform, type Descriptor } from './manifest.js';
import { alignLayers } from './layers.js';

const d = (n: number, platform?: Descriptor['platform'], annotations?: Record<string, string>): Descriptor => ({
  mediaType: MEDIA_TYPES.ociManifest, digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: 100,
  ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}),
});

// The shape of a multi-platform index as BuildKit writes it: images plus attestation manifests.
const index: Descriptor[] = [
  d(1, { os: 'linux', architecture: 'amd64' }),
  d(2, { os: 'linux', architecture: 'arm', variant: 'v6' }),
  d(3, { os: 'linux', architecture: 'arm', variant: 'v7' }),
  d(4, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
  d(5, { os: 'linux', architecture: '386' }),
  d(6, { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' }),
  d(7, { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
];

test('platform selection with variant normalisation', () => {
  const pick = (p: Platform) => selectPlatform(index, p, 'img').digest[7];
  const table: Array<[Platform, string]> = [
    [{ os: 'linux', architecture: 'amd64' }, '1'],
    [{ os: 'linux', architecture: 'arm64' }, '4'],
    [{ os: 'linux', architecture: 'aarch64' }, '4'],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, '4'],
    [{ os: 'linux', architecture: 'arm' }, '3'],
    [{ os: 'linux', architecture: 'arm', variant: 'v6' }, '2'],
    [{ os: 'linux', architecture: 'armhf' }, '3'],
    [{ os: 'linux', architecture: 'x86_64' }, '1'],
    [{ os: 'linux', architecture: 'i386' }, '5'],
    [{ os: 'windows', architecture: 'amd64' }, '6'],
  ];
  for (const [p, want] of table) assert.equal(pick(p), want, JSON.stringify(p));
  assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'ARM64', variant: 'v8' }), { os: 'linux', architecture: 'arm64' });
});

test('an absent platform lists what there is, leaving attestations out', () => {
  assert.throws(
    () => selectPlatform(index, { os: 'linux', architecture: 's390x' }, 'reg/app:1'),
    (e: unknown) =>
      e instanceof BulkheadError && e.code === 'PLATFORM_NOT_FOUND' &&
      e.message === 'reg/app:1: no image for linux/s390x; available: linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/386, windows/amd64',
  );
  assert.throws(() => selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v5' }, 'x'), /PLATFORM|no image/);
});

test('parses manifests and indexes; rejects schema 1 and foreign documents', () => {
  const image = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifest, config: d(1), layers: [d(2)] })), undefined, 'x');
  assert.equal(image.kind, 'image');
  // OCI allows a manifest without mediaType: its Content-Type or its shape decides
  assert.equal(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [d(1)] })), 'application/json', 'x').kind, 'index');
  assert.equal(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [d(1)] })), MEDIA_TYPES.dockerManifestList, 'x').kind, 'index');
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as BulkheadError).code;
    }
    return 'none';
  };
  assert.equal(code(() => parseManifest(Buffer.from('{"schemaVersion":1,"name":"x","fsLayers":[]}'), MEDIA_TYPES.dockerSchema1Signed, 'x')), 'MANIFEST_UNSUPPORTED');
  assert.equal(code(() => parseManifest(Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.cncf.helm.chart"}'), undefined, 'x')), 'MANIFEST_UNSUPPORTED');
  assert.equal(code(() => parseManifest(Buffer.from('not json'), undefined, 'x')), 'MANIFEST_INVALID');
  assert.equal(code(() => parseManifest(Buffer.from('{"schemaVersion":2,"config":{},"layers":[]}'), MEDIA_TYPES.ociManifest, 'x')), 'MANIFEST_INVALID');
});

test('layers align with diff_ids and with history entries that are not empty_layer', () => {
  const { layers, warnings } = alignLayers([d(1), d(2)], {
    rootfs: { type: 'layers', diff_ids: ['sha256:a', 'sha256:b'] },
    history: [{ created_by: 'ADD base /' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'RUN make' }],
  }, 'x');
  assert.deepEqual(layers.map((l) => [l.index, l.diffId, l.createdBy]), [[0, 'sha256:a', 'ADD base /'], [1, 'sha256:b', 'RUN make']]);
  assert.deepEqual(warnings, []);
  assert.match(alignLayers([d(1)], { history: [{ created_by: 'a' }, { created_by: 'b' }] }, 'x').warnings[0] ?? '', /history/);
  assert.throws(() => alignLayers([d(1)], { rootfs: { type: 'layers', diff_ids: ['a', 'b'] } }, 'x'), /1 layers but the config has 2 diff_ids/);
});
