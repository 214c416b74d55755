import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openOciLayout } from './oci-layout.js';
import { openOciArchive } from './archive.js';
import { LIMITS } from './limits.js';
import { buildLayout, paths, rejectsWith, run, scratch, sha256, skopeo, tarList, type Layout } from './archive-fixture.test.js';

let work: { dir: string; cleanup: () => void };
let layout: Layout;

before(() => {
  work = scratch();
  layout = buildLayout(join(work.dir, 'base'));
});
after(() => work.cleanup());

function sub(name: string): string {
  const d = join(work.dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

test('the hand-built layout is a valid image for skopeo (the reference reader)', () => {
  const inspected = JSON.parse(skopeo('inspect', '--raw', `oci:${layout.dir}:v1`)) as { config: { digest: string } };
  assert.equal(inspected.config.digest, layout.configDigest);
  const config = JSON.parse(skopeo('inspect', '--config', `oci:${layout.dir}:v1`)) as { rootfs: { diff_ids: string[] } };
  assert.deepEqual(config.rootfs.diff_ids, [layout.diffId]);
});

test('an OCI layout written by skopeo: ref names, digests, entries equal tar -tf', async () => {
  const dir = join(work.dir, 'copied');
  skopeo('copy', '-q', `oci:${layout.dir}:v1`, `oci:${dir}:v2`);
  skopeo('copy', '-q', `oci:${layout.dir}:v1`, `oci:${dir}:example.test/hello:v3`);
  const raw = skopeo('inspect', '--raw', `oci:${dir}:v2`);
  const source = await openOciLayout(dir, 'v2', {});
  assert.equal(source.transport, 'oci');
  assert.equal(source.manifestDigest, sha256(raw));
  assert.equal(source.configDigest, (JSON.parse(raw) as { config: { digest: string } }).config.digest);
  assert.equal(source.name, undefined, 'a bare tag is not an image name');
  assert.deepEqual(await paths(source), tarList(layout.layerTar));
  await source.close();

  const named = await openOciLayout(dir, 'example.test/hello:v3', {});
  assert.equal(named.name, 'example.test/hello:v3');
  const byDigest = await openOciLayout(dir, sha256(raw), {});
  assert.equal(byDigest.configDigest, source.configDigest);
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('USAGE', /v2.*example\.test\/hello:v3/));
  await assert.rejects(openOciLayout(dir, 'v9', {}), rejectsWith('INPUT_NOT_FOUND', /v2/));
});

/** Adds an arm64 image (same layer, its own config) and puts both behind a nested index. */
function multiPlatform(): string {
  const dir = sub('multi');
  run('cp', ['-r', `${layout.dir}/.`, dir]);
  const blobs = join(dir, 'blobs/sha256');
  const put = (data: string) => {
    const d = sha256(data);
    writeFileSync(join(blobs, d.slice(7)), data);
    return { digest: d, size: Buffer.byteLength(data) };
  };
  const amdManifest = readFileSync(join(blobs, layout.manifestDigest.slice(7)), 'utf8');
  const armConfig = readFileSync(join(blobs, layout.configDigest.slice(7)), 'utf8').replace('"amd64"', '"arm64","variant":"v8"');
  const armManifestDoc = JSON.parse(amdManifest) as { config: { digest: string; size: number } };
  armManifestDoc.config = { ...armManifestDoc.config, ...put(armConfig) };
  const arm = put(JSON.stringify(armManifestDoc));
  const m = 'application/vnd.oci.image.manifest.v1+json';
  const nested = put(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: m, ...arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: m, digest: layout.manifestDigest, size: Buffer.byteLength(amdManifest), platform: { os: 'linux', architecture: 'amd64' } },
    ],
  }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...nested, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }],
  }));
  return dir;
}

test('nested indexes: the platform is chosen as skopeo chooses it', async () => {
  const dir = multiPlatform();
  for (const arch of ['amd64', 'arm64']) {
    const config = JSON.parse(skopeo('--override-arch', arch, 'inspect', '--config', `oci:${dir}:multi`)) as { architecture: string };
    // `copy` without --all takes the one manifest skopeo picks for the platform, bytes unchanged.
    const single = join(work.dir, `single-${arch}`);
    skopeo('--override-arch', arch, 'copy', '-q', '--preserve-digests', `oci:${dir}:multi`, `oci:${single}:x`);
    const raw = skopeo('inspect', '--raw', `oci:${single}:x`);
    assert.equal(config.architecture, arch);
    const source = await openOciLayout(dir, undefined, { platform: { os: 'linux', architecture: arch } });
    assert.equal(source.config.architecture, arch);
    assert.equal(source.manifestDigest, sha256(raw));
    await source.close();
  }
  await assert.rejects(openOciLayout(dir, undefined, { platform: { os: 'linux', architecture: 's390x' } }), rejectsWith('PLATFORM_NOT_FOUND', /linux\/arm64\/v8, linux\/amd64/));
});

test('a corrupt gzip layer with correct digests fails as LAYER_CORRUPT, in a directory and in a tar', async () => {
  const good = gzipSync(readFileSync(layout.layerTar));
  const bad = Buffer.from(good);
  for (let i = 200; i < 260; i++) bad[i] = bad[i]! ^ 0x5a;
  const broken = buildLayout(sub('corrupt'), { layerBlob: bad });
  const source = await openOciLayout(broken.dir, undefined, {});
  await assert.rejects(paths(source), rejectsWith('LAYER_CORRUPT'));
  const tarred = join(work.dir, 'corrupt.tar');
  run('tar', ['-C', broken.dir, '-cf', tarred, '.']);
  const archived = await openOciArchive(tarred, undefined, {});
  await assert.rejects(paths(archived), rejectsWith('LAYER_CORRUPT'));
});

test('a layer blob that does not match its descriptor fails as DIGEST_MISMATCH', async () => {
  const changed = buildLayout(sub('swapped'));
  // Another valid gzip tar in place of the layer: decompresses fine, hashes wrong.
  writeFileSync(join(changed.dir, 'blobs/sha256', changed.layerDigest.slice(7)), gzipSync(readFileSync(layout.layerTar), { level: 1 }));
  const source = await openOciLayout(changed.dir, undefined, {});
  await assert.rejects(paths(source), rejectsWith('DIGEST_MISMATCH', /layer 0/));
});

test('broken layouts: missing directory, oci-layout, index.json; malformed and oversized documents', async () => {
  await assert.rejects(openOciLayout(join(work.dir, 'absent'), undefined, {}), rejectsWith('INPUT_NOT_FOUND', /absent/));
  await assert.rejects(openOciLayout(layout.layerTar, undefined, {}), rejectsWith('INPUT_INVALID', /not a directory/));

  const dir = sub('broken');
  run('cp', ['-r', `${layout.dir}/.`, dir]);
  rmSync(join(dir, 'oci-layout'));
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('INPUT_INVALID', /oci-layout/));
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = readFileSync(join(dir, 'index.json'));
  rmSync(join(dir, 'index.json'));
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('INPUT_INVALID', /index\.json/));
  writeFileSync(join(dir, 'index.json'), index.subarray(0, 40));
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('MANIFEST_INVALID', /index\.json: not valid JSON/));
  writeFileSync(join(dir, 'index.json'), '{"manifests": [{"digest": "sha256:../../etc/passwd", "size": 1}]}');
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('MANIFEST_INVALID', /not a supported digest/));
  writeFileSync(join(dir, 'index.json'), ' '.repeat(LIMITS.maxDocumentBytes + 1) + '{}');
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('SIZE_LIMIT', /index\.json/));
  // A manifest blob whose bytes changed after the index named it.
  writeFileSync(join(dir, 'index.json'), index);
  const manifestPath = join(dir, 'blobs/sha256', layout.manifestDigest.slice(7));
  writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"schemaVersion":2', '"schemaVersion": 2'));
  await assert.rejects(openOciLayout(dir, undefined, {}), rejectsWith('DIGEST_MISMATCH', /does not match/));
});
