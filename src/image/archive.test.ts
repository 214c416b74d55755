import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, truncateSync, statSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDockerArchive, openOciArchive } from './archive.js';
import { buildLayout, fileContent, paths, rejectsWith, run, scratch, skopeo, tarList, type Layout } from './archive-fixture.test.js';

let work: { dir: string; cleanup: () => void };
let layout: Layout;
let dockerTar: string;
let ociTar: string;

before(() => {
  work = scratch();
  layout = buildLayout(work.dir);
  dockerTar = join(work.dir, 'docker.tar');
  ociTar = join(work.dir, 'oci.tar');
  skopeo('copy', '-q', `oci:${layout.dir}:v1`, `docker-archive:${dockerTar}:example.test/hello:v1`);
  skopeo('copy', '-q', `oci:${layout.dir}:v1`, `oci-archive:${ociTar}:v1`);
});
after(() => work.cleanup());

/** Rebuilds an archive from a directory with GNU tar, as a different writer would. */
function retar(dir: string, out: string): string {
  run('tar', ['-C', dir, '-cf', out, '.']);
  return out;
}

function untar(archive: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  run('tar', ['-C', dir, '-xf', archive]);
  return dir;
}

test('docker-archive written by skopeo: entries equal tar -tf of the layer, digests from the config', async () => {
  const source = await openDockerArchive(dockerTar, undefined, {});
  try {
    assert.equal(source.transport, 'docker-archive');
    assert.equal(source.name, 'example.test/hello:v1');
    assert.equal(source.configDigest, layout.configDigest);
    assert.equal(source.cacheable, true);
    assert.equal(source.layers.length, 1);
    assert.equal(source.layers[0]!.diffId, layout.diffId);
    assert.equal(source.layers[0]!.createdBy, 'tar -C rootfs -cf layer.tar .');
    assert.deepEqual(source.config.config?.Cmd, ['/bin/true']);
    assert.deepEqual(await paths(source), tarList(layout.layerTar));
    assert.deepEqual(await fileContent(source, 'etc/hello.txt'), readFileSync(join(work.dir, 'rootfs/etc/hello.txt')));
    assert.deepEqual(await fileContent(source, 'bin/true'), readFileSync('/bin/true'));
  } finally {
    await source.close();
  }
});

test('docker-archive selectors: RepoTag (short or normalised), @N, and unknown names', async () => {
  for (const selector of ['example.test/hello:v1', '@0']) {
    const s = await openDockerArchive(dockerTar, selector, {});
    assert.equal(s.configDigest, layout.configDigest);
    await s.close();
  }
  await assert.rejects(openDockerArchive(dockerTar, 'example.test/hello:v2', {}), rejectsWith('INPUT_NOT_FOUND', /example\.test\/hello:v1/));
  await assert.rejects(openDockerArchive(dockerTar, '@3', {}), rejectsWith('INPUT_NOT_FOUND'));
});

test('legacy layer paths that are symlinks to other members are followed', async () => {
  const dir = untar(dockerTar, join(work.dir, 'legacy'));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as [{ Layers: string[] }];
  const linkDir = readdirSync(dir).find((n) => existsSync(join(dir, n, 'layer.tar')));
  assert.ok(linkDir, 'skopeo writes ID/layer.tar symlinks');
  manifest[0].Layers = [`${linkDir}/layer.tar`];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const source = await openDockerArchive(retar(dir, join(work.dir, 'legacy.tar')), undefined, {});
  assert.deepEqual(await paths(source), tarList(layout.layerTar));
  await source.close();
});

test('Docker 25+ archives (OCI layout plus manifest.json) give the OCI manifest digest', async () => {
  const dir = join(work.dir, 'docker25');
  skopeo('copy', '-q', `oci:${layout.dir}:v1`, `oci:${dir}:example.test/hello:v1`);
  const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: blob(layout.configDigest), RepoTags: ['example.test/hello:v1'], Layers: [blob(layout.layerDigest)] }]));
  const source = await openDockerArchive(retar(dir, join(work.dir, 'docker25.tar')), undefined, {});
  assert.equal(source.manifestDigest, layout.manifestDigest);
  assert.equal(source.layers[0]!.digest, layout.layerDigest);
  assert.deepEqual(await paths(source), tarList(layout.layerTar));
  await source.close();
});

test('a gzip-compressed docker save is read through a private spool that close() removes', async () => {
  const gz = join(work.dir, 'docker.tar.gz');
  writeFileSync(gz, run('sh', ['-c', `gzip -c '${dockerTar}' | base64 -w0`]), 'base64');
  const tmp = join(work.dir, 'spool');
  mkdirSync(tmp);
  const source = await openDockerArchive(gz, undefined, { tmpDir: tmp });
  assert.equal(readdirSync(tmp).length, 1);
  assert.deepEqual(await paths(source), tarList(layout.layerTar));
  await source.close();
  assert.equal(readdirSync(tmp).length, 0);
  // The same archive with its compressed bytes damaged: refused, and the spool is gone too.
  const bytes = readFileSync(gz);
  for (let i = 100; i < 160; i++) bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(gz, bytes);
  await assert.rejects(openDockerArchive(gz, undefined, { tmpDir: tmp }), rejectsWith('ARCHIVE_CORRUPT', /gzip/));
  assert.equal(readdirSync(tmp).length, 0);
});

test('oci-archive written by skopeo: manifest digest, ref name selector, entries', async () => {
  const reference = JSON.parse(skopeo('inspect', '--raw', `oci-archive:${ociTar}:v1`)) as { config: { digest: string } };
  const source = await openOciArchive(ociTar, 'v1', {});
  assert.equal(source.transport, 'oci-archive');
  assert.equal(source.configDigest, reference.config.digest);
  assert.equal(source.manifestDigest, layout.manifestDigest);
  assert.equal(source.layers[0]!.digest, layout.layerDigest);
  assert.deepEqual(await paths(source), tarList(layout.layerTar));
  await source.close();
  await assert.rejects(openOciArchive(ociTar, 'v9', {}), rejectsWith('INPUT_NOT_FOUND', /v1/));
});

test('hostile outer tars: ../ members, truncation, non-tar input, missing files and manifests', async () => {
  const evilDir = join(work.dir, 'evil');
  mkdirSync(join(evilDir, 'sub'), { recursive: true });
  writeFileSync(join(evilDir, 'evil'), 'x');
  const evilTar = join(work.dir, 'evil.tar');
  // -P keeps the leading "../" that GNU tar would otherwise strip.
  run('tar', ['-C', join(evilDir, 'sub'), '-P', '-cf', evilTar, '../evil']);
  assert.ok(run('tar', ['-tPf', evilTar]).includes('../evil'));
  await assert.rejects(openDockerArchive(evilTar, undefined, {}), rejectsWith('UNSAFE_PATH', /\.\.\/evil/));

  const truncated = join(work.dir, 'truncated.tar');
  writeFileSync(truncated, readFileSync(dockerTar).subarray(0, 20_000));
  await assert.rejects(openDockerArchive(truncated, undefined, {}), rejectsWith('ARCHIVE_CORRUPT', /truncated at byte 20000/));
  const cutHeader = join(work.dir, 'cut-header.tar');
  writeFileSync(cutHeader, readFileSync(dockerTar));
  truncateSync(cutHeader, statSync(layout.layerTar).size + 512 + 100);
  await assert.rejects(openDockerArchive(cutHeader, undefined, {}), rejectsWith('ARCHIVE_CORRUPT', /truncated at byte/));

  await assert.rejects(openDockerArchive('/etc/os-release', undefined, {}), rejectsWith('ARCHIVE_CORRUPT', /not a tar archive/));
  await assert.rejects(openDockerArchive('/bin/true', undefined, {}), rejectsWith('ARCHIVE_CORRUPT', /not a tar archive \(bad header checksum/));
  await assert.rejects(openOciArchive(join(work.dir, 'nope.tar'), undefined, {}), rejectsWith('INPUT_NOT_FOUND', /nope\.tar/));

  const plain = join(work.dir, 'plain');
  mkdirSync(plain);
  writeFileSync(join(plain, 'readme.txt'), 'not an image');
  const plainTar = retar(plain, join(work.dir, 'plain.tar'));
  await assert.rejects(openDockerArchive(plainTar, undefined, {}), rejectsWith('INPUT_INVALID', /manifest\.json/));
  await assert.rejects(openOciArchive(plainTar, undefined, {}), rejectsWith('INPUT_INVALID', /oci-layout/));
});

test('malformed documents inside archives: bad JSON, bad config digest', async () => {
  const dir = untar(dockerTar, join(work.dir, 'badjson'));
  writeFileSync(join(dir, 'manifest.json'), '[{"Config": ');
  await assert.rejects(openDockerArchive(retar(dir, join(work.dir, 'badjson.tar')), undefined, {}), rejectsWith('MANIFEST_INVALID', /manifest\.json/));

  const dir2 = untar(dockerTar, join(work.dir, 'badconfig'));
  const configName = `${layout.configDigest.slice(7)}.json`;
  writeFileSync(join(dir2, configName), readFileSync(join(dir2, configName), 'utf8').replace('amd64', 'arm64'));
  await assert.rejects(openDockerArchive(retar(dir2, join(work.dir, 'badconfig.tar')), undefined, {}), rejectsWith('DIGEST_MISMATCH', /91b17bc|config|json/));
});

test('a docker save layer that does not match its diff ID fails while streaming', async () => {
  const dir = untar(dockerTar, join(work.dir, 'baddiff'));
  const layerName = `${layout.diffId.slice(7)}.tar`;
  // Same length, one changed byte inside the text file's data.
  const bytes = readFileSync(join(dir, layerName));
  const at = bytes.indexOf('hello from a Bulkhead');
  bytes[at] = 'j'.charCodeAt(0);
  writeFileSync(join(dir, layerName), bytes);
  const source = await openDockerArchive(retar(dir, join(work.dir, 'baddiff.tar')), undefined, {});
  await assert.rejects(paths(source), rejectsWith('DIGEST_MISMATCH', /does not match/));
  await source.close();
});
