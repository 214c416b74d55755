/**
 * Fixtures for the local-transport tests, built at test time from real files with real tools:
 * GNU tar makes the layer, skopeo turns a hand-assembled OCI layout into docker-archive,
 * oci-archive and oci outputs. Named *.test.ts so the build leaves it out; it holds no tests itself.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BulkheadError } from '../errors.js';
import type { ImageSource } from './types.js';

export const sha256 = (data: Buffer | string) => 'sha256:' + createHash('sha256').update(data).digest('hex');

export function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...(cwd ? { cwd } : {}) });
}

export function skopeo(...args: string[]): string {
  return run('skopeo', ['--insecure-policy', ...args]);
}

/** A scratch directory removed when the returned function is called. */
export function scratch(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small root filesystem of real files: a binary, a text file, a symlink, a hard link, an empty dir. */
export function makeRootfs(dir: string): string {
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/empty'), { recursive: true });
  copyFileSync('/bin/true', join(root, 'bin/true'));
  linkSync(join(root, 'bin/true'), join(root, 'bin/true-again'));
  symlinkSync('true', join(root, 'bin/yes-link'));
  writeFileSync(join(root, 'etc/hello.txt'), 'hello from a Bulkhead test layer\n');
  copyFileSync('/etc/os-release', join(root, 'etc/os-release'));
  return root;
}

/** `tar -tf` as the reference list of a layer's entries, normalised as entry paths are. */
export function tarList(tarPath: string): string[] {
  return run('tar', ['-tf', tarPath])
    .split('\n')
    .map((l) => l.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((l) => l !== '' && l !== '.');
}

export interface Layout {
  dir: string;
  layerTar: string;
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  diffId: string;
}

/**
 * Writes an OCI image layout by hand around one layer (OCI image spec, image-layout.md): the layer
 * as gzip blob, config with its diff ID, manifest, index.json with a ref name.
 */
export function buildLayout(base: string, options: { refName?: string; layerBlob?: Buffer; diffId?: string } = {}): Layout {
  const rootfs = makeRootfs(base);
  const layerTar = join(base, 'layer.tar');
  run('tar', ['-C', rootfs, '-cf', layerTar, '.']);
  const tarBytes = readFileSync(layerTar);
  const layerBlob = options.layerBlob ?? gzipSync(tarBytes);
  const diffId = options.diffId ?? sha256(tarBytes);
  const dir = join(base, 'layout');
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const put = (data: Buffer | string) => {
    const d = sha256(data);
    writeFileSync(join(dir, 'blobs/sha256', d.slice(7)), data);
    return d;
  };
  const layerDigest = put(layerBlob);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/true'], Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created_by: 'tar -C rootfs -cf layer.tar .' }, { created_by: 'CMD ["/bin/true"]', empty_layer: true }],
  });
  const configDigest = put(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: Buffer.byteLength(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layerBlob.length }],
  });
  const manifestDigest = put(manifest);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: manifestDigest,
        size: Buffer.byteLength(manifest),
        platform: { os: 'linux', architecture: 'amd64' },
        annotations: { 'org.opencontainers.image.ref.name': options.refName ?? 'v1' },
      },
    ],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { dir, layerTar, manifestDigest, configDigest, layerDigest, diffId };
}

/** The bytes of `path` in layer 0; a hard link gives the bytes of the entry it links to. */
export async function fileContent(source: ImageSource, path: string): Promise<Buffer | undefined> {
  const seen = new Map<string, Buffer | undefined>();
  let want = path;
  for await (const e of source.entries(source.layers[0]!)) {
    if (e.type === 'file') seen.set(e.path, await e.read(1 << 20));
    if (e.path === path && e.type === 'hardlink') want = e.linkTarget!;
  }
  return seen.get(want);
}

export async function paths(source: ImageSource, index = 0): Promise<string[]> {
  const out: string[] = [];
  for await (const e of source.entries(source.layers[index]!)) if (e.path !== '') out.push(e.path);
  return out;
}

/** An assert.rejects validator: a BulkheadError with this code (and message pattern). */
export function rejectsWith(code: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof BulkheadError, `expected a BulkheadError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}
