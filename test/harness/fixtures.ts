/**
 * The Debian 12 test image, built once from real packages and cached (see fixture-cache.ts), with
 * its exports for every transport and the reference inventories its own tools report.
 *
 * Cold build: debootstrap (minbase bookworm) → `docker import` → `docker build` (legacy builder,
 * host network for apt) → `docker save` → skopeo to an OCI layout (gzip layers) and an OCI archive →
 * references. Warm: the cached folder is used as is; the image is `docker load`ed again only when the
 * daemon lacks it (a fresh daemon) and a caller asks for it.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDocker } from './docker.js';
import { requireCommand, run, runAllowFailure } from './exec.js';
import { cachedFixture } from './fixture-cache.js';
import {
  APP_PACKAGE_JSON, BASE_IMAGE, DEBIAN_MIRROR, DOCKERFILE, DOOMED_PACKAGE_JSON, FIXTURE_IMAGE, FIXTURE_VERSION,
} from './fixture-recipe.js';
import {
  computeDpkg, computeGo, computeJava, computeLayers, computeNpmApp, computeNpmOther, computeOwners, computePython,
  type FixtureReferences,
} from './fixture-references.js';

export { FIXTURE_IMAGE } from './fixture-recipe.js';
export type { FixtureReferences } from './fixture-references.js';

/** The tag the OCI layout and archive carry (`org.opencontainers.image.ref.name`). */
export const OCI_TAG = 'debian-full';

export interface DebianFixture {
  dir: string;
  /** `docker save` output: a docker-archive. */
  archivePath: string;
  /** OCI image layout folder with gzip layers. */
  ociDir: string;
  /** The same as a tar file (oci-archive). */
  ociArchivePath: string;
  /** Image name in the daemon (see ensureFixtureInDaemon). */
  daemonImage: string;
  references: FixtureReferences;
}

export interface RegistryTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

let memo: Promise<DebianFixture> | undefined;

/** Builds (once per cache) and returns the Debian fixture. */
export function debianFixture(): Promise<DebianFixture> {
  memo ??= loadOrBuild().catch((e: unknown) => {
    memo = undefined;
    throw e;
  });
  return memo;
}

async function loadOrBuild(): Promise<DebianFixture> {
  const dir = await cachedFixture(FIXTURE_VERSION, buildDebianFixture);
  return {
    dir,
    archivePath: join(dir, 'fixture.tar'),
    ociDir: join(dir, 'oci'),
    ociArchivePath: join(dir, 'fixture-oci.tar'),
    daemonImage: FIXTURE_IMAGE,
    references: JSON.parse(readFileSync(join(dir, 'references.json'), 'utf8')) as FixtureReferences,
  };
}

/** Makes sure the daemon holds the fixture image (loading the cached archive into a fresh daemon). */
export async function ensureFixtureInDaemon(fixture: DebianFixture): Promise<string> {
  await ensureDocker();
  const inspect = await runAllowFailure('docker', ['image', 'inspect', '--format', '{{.Id}}', fixture.daemonImage]);
  if (inspect.code !== 0 || inspect.stdout.trim() !== fixture.references.imageId) {
    await run('docker', ['load', '-i', fixture.archivePath]);
  }
  return fixture.daemonImage;
}

/**
 * Pushes the fixture to a registry with skopeo: `repo:1` as an OCI manifest (from the layout) and
 * `repo:1-docker` as a Docker schema 2 manifest. Returns both references.
 */
export async function pushToRegistry(
  fixture: DebianFixture,
  registry: RegistryTarget,
  repository = 'bulkhead/debian-full',
): Promise<{ oci: string; docker: string }> {
  requireCommand('skopeo', 'skopeo', 'pushing the fixture to the test registry');
  const base = `${registry.host}:${registry.port}/${repository}`;
  const creds = registry.username ? ['--dest-creds', `${registry.username}:${registry.password ?? ''}`] : [];
  const src = `oci:${fixture.ociDir}:${OCI_TAG}`;
  await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', ...creds, src, `docker://${base}:1`]);
  await run('skopeo', [
    'copy', '--quiet', '--dest-tls-verify=false', '--format', 'v2s2', ...creds, src, `docker://${base}:1-docker`,
  ]);
  return { oci: `${base}:1`, docker: `${base}:1-docker` };
}

async function buildDebianFixture(out: string): Promise<void> {
  await ensureDocker();
  requireCommand('skopeo', 'skopeo', 'exporting the fixture as an OCI layout');
  requireCommand('npm', 'npm', 'installing the fixture application');
  requireCommand('go', 'golang-go', "reading Go build information with 'go version -m'");
  requireCommand('unzip', 'unzip', 'reading pom.properties of the fixture jars');
  const work = join(out, 'work');
  mkdirSync(work, { recursive: true });

  await ensureBaseImage(work);

  // Build context: the npm trees are installed on the host (the image's Debian node has no npm).
  const context = join(work, 'context');
  for (const [name, pkg] of [['app', APP_PACKAGE_JSON], ['doomed', DOOMED_PACKAGE_JSON]] as const) {
    mkdirSync(join(context, name), { recursive: true });
    writeFileSync(join(context, name, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], {
      cwd: join(context, name),
    });
  }
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
  await run('docker', ['build', '--network', 'host', '-t', FIXTURE_IMAGE, context], {
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });

  // Exports for each transport.
  await run('docker', ['save', '-o', join(out, 'fixture.tar'), FIXTURE_IMAGE]);
  await run('skopeo', [
    'copy', '--quiet', '--dest-compress', '--dest-compress-format', 'gzip',
    `docker-archive:${join(out, 'fixture.tar')}`, `oci:${join(out, 'oci')}:${OCI_TAG}`,
  ]);
  await run('skopeo', ['copy', '--quiet', `oci:${join(out, 'oci')}:${OCI_TAG}`, `oci-archive:${join(out, 'fixture-oci.tar')}:${OCI_TAG}`]);

  writeFileSync(join(out, 'references.json'), JSON.stringify(await computeAllReferences(out, work), null, 1));
  rmSync(work, { recursive: true, force: true });
}

/** The base image comes from debootstrap; it is reused from the daemon when already imported. */
async function ensureBaseImage(work: string): Promise<void> {
  const has = await runAllowFailure('docker', ['image', 'inspect', BASE_IMAGE]);
  if (has.code === 0) return;
  requireCommand('debootstrap', 'debootstrap', 'building the Debian 12 base of the fixture');
  const rootfs = join(work, 'base-rootfs');
  await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, DEBIAN_MIRROR]);
  await run('bash', ['-o', 'pipefail', '-c', 'tar -C "$1" -c . | docker import - "$2"', 'import', rootfs, BASE_IMAGE]);
  rmSync(rootfs, { recursive: true, force: true });
}

async function computeAllReferences(out: string, work: string): Promise<FixtureReferences> {
  const imageId = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', FIXTURE_IMAGE])).stdout.trim();
  // The final file system as the daemon sees it (whiteouts applied by the daemon, not by us).
  const rootfs = join(work, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  const cid = (await run('docker', ['create', FIXTURE_IMAGE])).stdout.trim();
  try {
    await run('bash', ['-o', 'pipefail', '-c', 'docker export "$1" | tar -x -C "$2"', 'export', cid, rootfs]);
  } finally {
    await run('docker', ['rm', cid]);
  }

  const dpkg = await computeDpkg(FIXTURE_IMAGE);
  const python = await computePython(FIXTURE_IMAGE);
  const { root, app } = await computeNpmApp(join(rootfs, 'app'), rootfs);
  const other = computeNpmOther(rootfs);
  const java = await computeJava(rootfs);
  const go = await computeGo(rootfs);
  const owners = await computeOwners(FIXTURE_IMAGE, [...python, ...other, ...java].map((r) => r.path));
  for (const r of [...python, ...other, ...java]) {
    const owner = owners.get(r.path);
    if (owner) r.owner = owner;
  }
  const layers = await computeLayers(join(out, 'fixture.tar'), join(work, 'layers'));

  // What the build context held under /opt/doomed and the final image no longer has.
  const removed = computeNpmOther(join(work, 'context', 'doomed')).filter((r) => r.path.startsWith('node_modules/'));
  if (existsSync(join(rootfs, 'opt', 'doomed', 'node_modules'))) {
    throw new Error('fixture: /opt/doomed/node_modules survived its deletion; the whiteout layers are broken');
  }
  cpSync(join(work, 'context', 'Dockerfile'), join(out, 'Dockerfile'));
  return { image: FIXTURE_IMAGE, imageId, dpkg, npm: { root, app, other, removed }, python, java, go, layers };
}
