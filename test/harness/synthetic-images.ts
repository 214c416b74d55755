/**
 * Many small, distinct images pushed straight through the Distribution API (spec "Pushing blobs":
 * a monolithic POST then PUT with `?digest=`, then "Pushing manifests"), cheap enough for 200 at a
 * time: one shared base layer and one tiny layer of its own per image; every fourth image carries
 * an npm lockfile with lodash 4.17.15, which real advisories in test/data/osv/npm affect. A "slow"
 * image has one layer of many text files, which the secret scanner reads one by one.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface PushedImage {
  repository: string;
  tag: string;
  digest: string;
  vulnerable: boolean;
}

const sha256 = (data: Buffer | string): string => 'sha256:' + createHash('sha256').update(data).digest('hex');

/** A gzipped tar of the given files (mtime 0, root-owned, sorted). */
export async function layerOf(files: Record<string, string | Buffer>): Promise<{ gz: Buffer; diffId: string }> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const name of Object.keys(files).sort()) {
    const content = files[name]!;
    p.entry({ name, mtime: new Date(0), uid: 0, gid: 0, mode: 0o644 }, typeof content === 'string' ? Buffer.from(content) : content);
  }
  p.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  return { gz: gzipSync(tar, { level: 1 }), diffId: sha256(tar) };
}

async function check(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`test harness: ${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

async function pushBlob(base: string, repository: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  if ((await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' })).ok) return digest;
  const start = await check(await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' }), `start upload to ${repository}`);
  const location = new URL(start.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  await check(await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(data) }), `upload ${digest} to ${repository}`);
  return digest;
}

/** Pushes one image made of these layers; returns its manifest digest. */
export async function pushImage(registry: string, repository: string, tag: string, layers: Array<{ gz: Buffer; diffId: string }>): Promise<string> {
  const base = `http://${registry}`;
  const descriptors = [];
  for (const layer of layers) descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: await pushBlob(base, repository, layer.gz), size: layer.gz.length });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/usr/bin'] }, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) }, history: layers.map((_, i) => ({ created_by: `COPY layer-${i} /` })) }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(base, repository, config), size: config.length }, layers: descriptors }));
  await check(await fetch(`${base}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: new Uint8Array(manifest) }), `manifest ${repository}:${tag}`);
  return sha256(manifest);
}

/** `count` distinct images in `repository` (tags img-0...), a few pushes at a time. */
export async function pushSyntheticImages(registry: string, repository: string, count: number): Promise<PushedImage[]> {
  const baseLayer = await layerOf({ 'etc/os-release': 'ID=bulkhead-test\nVERSION_ID=1\n', 'usr/share/doc/readme.txt': 'x'.repeat(4096) });
  const out: PushedImage[] = [];
  for (let i = 0; i < count; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, count - i) }, async (_, k) => {
        const n = i + k;
        const vulnerable = n % 4 === 0;
        const files: Record<string, string> = { [`app/id-${n}.txt`]: `${repository} image ${n}\n` };
        if (vulnerable) files['app/package-lock.json'] = JSON.stringify({ name: `app${n}`, version: '1.0.0', lockfileVersion: 3, packages: { '': { name: `app${n}`, version: '1.0.0', dependencies: { lodash: '4.17.15' } }, 'node_modules/lodash': { version: '4.17.15', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz' } } });
        const tag = `img-${n}`;
        return { repository, tag, vulnerable, digest: await pushImage(registry, repository, tag, [baseLayer, await layerOf(files)]) };
      }),
    );
    out.push(...batch);
  }
  return out;
}

/** An image whose one layer holds `files` text files of 2 KiB: a real input that takes seconds to scan. */
export async function pushSlowImage(registry: string, repository: string, tag: string, files: number): Promise<string> {
  const content: Record<string, string> = {};
  for (let i = 0; i < files; i++) content[`data/part-${i}.txt`] = `record ${i} `.repeat(180);
  return pushImage(registry, repository, tag, [await layerOf(content)]);
}
