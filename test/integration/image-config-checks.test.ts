/**
 * Image checks on real images: Docker (classic builder) builds them from a small tree with known
 * modes, `docker save` exports them, Bulkhead analyses the archive and checks it. The setuid/setgid
 * and world-writable lists are compared with what GNU tar lists in the saved layers, not with
 * expectations written here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeImage, openImage } from '../../src/index.js';
import { checkImage, readEtcPasswd } from '../../src/config/image/index.js';
import type { Finding } from '../../src/findings/types.js';
import { ensureDocker, type DockerHandle } from '../harness/docker.js';
import { requireCommand, run } from '../harness/exec.js';

const TAG = 'bulkhead-test/image-config';
let docker: DockerHandle;
let work: string;
before(async () => {
  requireCommand('tar', 'tar', 'GNU tar lists the saved layers as the reference');
  docker = await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-image-config-'));
});
after(async () => {
  await run('docker', ['rmi', '-f', `${TAG}-bad:latest`, `${TAG}-toor:latest`, `${TAG}-clean:1.0`]).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
  await docker?.stop();
});

function put(root: string, path: string, mode: number, content = `${path}\n`): void {
  const abs = join(root, path);
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, content);
  chmodSync(abs, mode);
}

async function build(context: string, dockerfile: string, tag: string): Promise<string> {
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  await run('docker', ['build', '-q', '-t', tag, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  const archive = join(work, `${tag.replace(/[/:]/g, '_')}.tar`);
  await run('docker', ['save', '-o', archive, tag]);
  return archive;
}

interface TarEntry {
  path: string;
  perms: string;
}

/** Every layer of a `docker save` archive as GNU tar lists it (`tar -tv`), in manifest order; one shell for all. */
async function tarListing(archive: string): Promise<TarEntry[][]> {
  const dir = mkdtempSync(join(work, 'x-'));
  const script = `set -e; cd "${dir}"; tar -xf "${archive}"; for l in $(node -e 'for (const l of JSON.parse(require("fs").readFileSync("manifest.json","utf8"))[0].Layers) console.log(l)'); do echo "@@LAYER"; tar --numeric-owner -tvf "$l"; done`;
  const out = (await run('bash', ['-c', script])).stdout;
  return out
    .split('@@LAYER\n')
    .slice(1)
    .map((chunk) =>
      chunk
        .split('\n')
        .filter((l) => l !== '')
        .map((line) => {
          const m = /^(\S{10})\s+\S+\s+\d+\s+\S+\s+\S+\s+(.*)$/.exec(line);
          assert.ok(m, `tar line: ${line}`);
          return { perms: m[1]!, path: m[2]!.replace(/^\.?\//, '').replace(/\/$/, '').replace(/ link to .*$/, '') };
        }),
    );
}

const isSetId = (e: TarEntry) => e.perms[0] === '-' && (/[sS]/.test(e.perms[3]!) || /[sS]/.test(e.perms[6]!));
const listed = (f: Finding | undefined) => (f?.evidence?.files ?? '').split('\n').filter(Boolean).map((l) => l.split(' ')[0]!).sort();

test('a badly configured image: root, no HEALTHCHECK, setuid files, port 22, secret label, apt cache, world-writable dir', async () => {
  const ctx = mkdtempSync(join(work, 'bad-'));
  const root = join(ctx, 'rootfs');
  put(root, 'etc/passwd', 0o644, 'root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  put(root, 'usr/bin/passwd', 0o4755);
  put(root, 'usr/bin/wall', 0o2755);
  put(root, 'usr/bin/su', 0o4755);
  put(root, 'usr/bin/ls', 0o755);
  put(root, 'var/cache/apt/archives/tool_1.0_amd64.deb', 0o644, 'not really a deb\n');
  mkdirSync(join(root, 'srv/drop'), { recursive: true });
  chmodSync(join(root, 'srv/drop'), 0o777);
  mkdirSync(join(root, 'tmp'), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  // COPY drops setuid/setgid bits from the build context; ADD of a tar (made by GNU tar) keeps them
  await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-cf', join(ctx, 'rootfs.tar'), '-C', root, '.']);
  rmSync(root, { recursive: true });
  // a later layer replaces su without its setuid bit: the setuid copy still ships in layer 0
  put(join(ctx, 'over'), 'usr/bin/su', 0o755);
  const archive = await build(
    ctx,
    'FROM scratch\nADD rootfs.tar /\nCOPY over/ /\nEXPOSE 22\nLABEL db_password=hunter2-value\nENV APP_MODE=prod\n',
    `${TAG}-bad:latest`,
  );

  const analysis = await analyzeImage(`docker-archive:${archive}`, { cacheDir: false });
  assert.ok(analysis.files, 'analyzeImage fills analysis.files');
  const findings = checkImage(analysis, {});
  const byId = (id: string) => findings.filter((f) => f.id === id);

  // reference: GNU tar's listing of the saved layers, last layer wins (the build writes no whiteouts)
  const layers = await tarListing(archive);
  const final = new Map<string, TarEntry>();
  for (const l of layers) for (const e of l) final.set(e.path, e);
  const visibleSetId = [...final.values()].filter(isSetId).map((e) => e.path).sort();
  const hiddenSetId = [...new Set(layers.flat().filter((e) => isSetId(e) && !isSetId(final.get(e.path)!)).map((e) => e.path))].sort();
  assert.ok(visibleSetId.length >= 2 && hiddenSetId.length >= 1, `tar sees the fixture's setuid files: ${visibleSetId} / ${hiddenSetId}`);
  assert.deepEqual(listed(byId('BH-IMG-003')[0]), visibleSetId);
  assert.deepEqual(listed(byId('BH-IMG-004')[0]), hiddenSetId);
  const worldWritableDirs = [...final.values()].filter((e) => e.perms[0] === 'd' && e.perms[8] === 'w' && !/[tT]/.test(e.perms[9]!)).map((e) => e.path).sort();
  assert.ok(worldWritableDirs.length > 0, 'tar sees the world-writable directory');
  assert.deepEqual(listed(byId('BH-IMG-012')[0]), worldWritableDirs);
  // the base file system's ADD of a tar into / is not an ADD-instead-of-COPY finding
  assert.deepEqual(byId('BH-IMG-007'), []);

  assert.equal(byId('BH-IMG-001')[0]?.evidence?.user, '(not set)');
  assert.equal(byId('BH-IMG-002').length, 1);
  assert.equal(byId('BH-IMG-005')[0]?.evidence?.exposedPorts, '22/tcp');
  assert.deepEqual(byId('BH-IMG-008').map((f) => f.evidence?.name), ['db_password']);
  assert.ok(!JSON.stringify(findings).includes('hunter2-value'), 'label value not reported');
  assert.equal(byId('BH-IMG-009')[0]?.evidence?.tag, 'latest');
  assert.equal(byId('BH-IMG-010')[0]?.evidence?.cache, 'apt archives');
  const cacheLayer = byId('BH-IMG-010')[0]!.target;
  assert.equal(cacheLayer.layerIndex, 0);
  assert.match(cacheLayer.layerCreatedBy ?? '', /ADD file:/);

  // a USER name that the image's own etc/passwd maps to UID 0
  const toorArchive = await build(mkdtempSync(join(work, 'toor-')), `FROM ${TAG}-bad:latest\nUSER toor\n`, `${TAG}-toor:latest`);
  const toor = await analyzeImage(`docker-archive:${toorArchive}`, { cacheDir: false });
  const source = await openImage(`docker-archive:${toorArchive}`);
  let passwd;
  try {
    passwd = await readEtcPasswd(source, toor.files!);
  } finally {
    await source.close();
  }
  assert.deepEqual(passwd?.map((e) => `${e.name}:${e.uid}`), ['root:0', 'toor:0', 'app:1000']);
  // the analysis read the same accounts during its layer walk
  assert.deepEqual(toor.users?.map((e) => `${e.name}:${e.uid}`), ['root:0', 'toor:0', 'app:1000']);
  assert.equal(checkImage(toor, {}).filter((f) => f.id === 'BH-IMG-001')[0]?.evidence?.uid, '0');
  const toorRoot = checkImage(toor, { passwd: passwd! }).filter((f) => f.id === 'BH-IMG-001');
  assert.equal(toorRoot[0]?.evidence?.uid, '0');
  assert.match(toorRoot[0]?.evidence?.reason ?? '', /etc\/passwd/);
});

test('a clean image (USER 1000, HEALTHCHECK, no setuid files, version tag) gets no findings', async () => {
  const ctx = mkdtempSync(join(work, 'clean-'));
  put(join(ctx, 'rootfs'), 'etc/passwd', 0o644, 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  put(join(ctx, 'rootfs'), 'usr/bin/app', 0o755);
  const archive = await build(ctx, 'FROM scratch\nCOPY rootfs/ /\nUSER 1000\nHEALTHCHECK CMD ["/usr/bin/app", "--check"]\nEXPOSE 8080\n', `${TAG}-clean:1.0`);
  const layers = await tarListing(archive);
  assert.deepEqual(layers.flat().filter(isSetId), [], 'tar sees no setuid files');
  const analysis = await analyzeImage(`docker-archive:${archive}`, { cacheDir: false });
  assert.deepEqual(checkImage(analysis, {}), []);
});
