/**
 * The Debian 12 fixture image (test/harness/fixtures.ts), analysed through every transport and
 * compared with the inventories the image's own tools report: dpkg-query, npm ls, importlib.metadata,
 * pom.properties, go version -m. 100% recall and precision per ecosystem, layer attribution, and
 * the same result whichever transport carried the image.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { analyzeImage, type ImageAnalysis } from '../../src/index.js';
import { ensureDocker } from '../harness/docker.js';
import { debianFixture, ensureFixtureInDaemon, pushToRegistry, type DebianFixture } from '../harness/fixtures.js';
import { compareAll } from '../harness/inventory-compare.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';

let fixture: DebianFixture;
const registries: RunningRegistry[] = [];
const analyses = new Map<string, ImageAnalysis>();

before(async () => {
  await ensureDocker();
  fixture = await debianFixture();
});

after(async () => {
  for (const r of registries) await r.stop();
});

/** One line per package, to compare what different transports saw. */
function inventory(a: ImageAnalysis): string[] {
  return a.packages
    .map((p) => `${p.type} ${p.namespace ?? ''}/${p.name}@${p.version} ${p.locations.map((l) => `${l.path}#${l.layerIndex}`).sort().join(',')}`)
    .sort();
}

function assertMatchesReferences(label: string, analysis: ImageAnalysis): void {
  const problems = compareAll(analysis, fixture.references);
  const lines = Object.entries(problems).flatMap(([k, v]) => v.map((m) => `[${k}] ${m}`));
  assert.deepEqual(lines.slice(0, 60), [], `${label}: ${lines.length} differences from the references`);
}

async function analyseAndCheck(label: string, reference: string, options: Parameters<typeof analyzeImage>[1] = {}): Promise<ImageAnalysis> {
  const analysis = await analyzeImage(reference, { cacheDir: false, ...options });
  analyses.set(label, analysis);
  assert.equal(analysis.os?.id, 'debian', `${label}: os-release`);
  assert.equal(analysis.os?.versionId, '12', `${label}: os-release VERSION_ID`);
  assertMatchesReferences(label, analysis);
  return analysis;
}

describe('Debian 12 fixture: inventory equals the reference tools', () => {
  test('docker-archive', async () => {
    const a = await analyseAndCheck('docker-archive', `docker-archive:${fixture.archivePath}`);
    assert.equal(a.image.configDigest, fixture.references.imageId, 'config digest is the image ID');
  });

  test('oci layout (gzip layers)', async () => {
    await analyseAndCheck('oci', `oci:${fixture.ociDir}`);
  });

  test('oci-archive', async () => {
    await analyseAndCheck('oci-archive', `oci-archive:${fixture.ociArchivePath}`);
  });

  test('docker-daemon', async () => {
    const name = await ensureFixtureInDaemon(fixture);
    const a = await analyseAndCheck('docker-daemon', `docker-daemon:${name}`);
    assert.equal(a.image.configDigest, fixture.references.imageId, 'config digest is the image ID');
  });

  describe('registry with htpasswd auth', () => {
    let registry: RunningRegistry;
    let refs: { oci: string; docker: string };
    before(async () => {
      registry = await startRegistry({ auth: 'htpasswd' });
      registries.push(registry);
      refs = await pushToRegistry(fixture, registry);
    });

    test('OCI manifest', async () => {
      await analyseAndCheck('registry-htpasswd-oci', refs.oci, { username: registry.username, password: registry.password });
    });

    test('Docker schema 2 manifest', async () => {
      await analyseAndCheck('registry-htpasswd-docker', refs.docker, { username: registry.username, password: registry.password });
    });

    test('a wrong password is REGISTRY_UNAUTHORIZED', async () => {
      await assert.rejects(
        analyzeImage(refs.oci, { cacheDir: false, username: registry.username, password: 'wrong' }),
        (e: { code?: string; message?: string }) => {
          assert.equal(e.code, 'REGISTRY_UNAUTHORIZED', e.message);
          return true;
        },
      );
    });
  });

  test('registry with token auth', async () => {
    const registry = await startRegistry({ auth: 'token' });
    registries.push(registry);
    const refs = await pushToRegistry(fixture, registry);
    await analyseAndCheck('registry-token', refs.oci, { username: registry.username, password: registry.password });
    assert.ok(registry.tokenRequests.some((r) => r.granted && r.user === registry.username), 'a token was issued to the test user');
  });

  test('every transport saw the same packages at the same paths and layers', () => {
    const base = analyses.get('docker-archive');
    assert.ok(base, 'the docker-archive analysis ran');
    for (const [label, a] of analyses) {
      assert.deepEqual(inventory(a), inventory(base), `${label} differs from docker-archive`);
    }
  });

  test('Debian packages carry the layer whose Dockerfile line installed them', () => {
    const a = analyses.get('docker-archive');
    assert.ok(a);
    // reference: GNU tar's listing of each layer; dpkg writes info/NAME.list when it installs NAME
    const lastLayerWith = (path: string) => [...fixture.references.layers].reverse().find((l) => l.paths.includes(path));
    const debs = a.packages.filter((p) => p.type === 'deb');
    assert.ok(debs.length > 100);
    for (const p of debs) {
      const layer = lastLayerWith(`var/lib/dpkg/info/${p.name}:${p.architecture}.list`) ?? lastLayerWith(`var/lib/dpkg/info/${p.name}.list`);
      assert.ok(layer, `${p.name}: its file list is in some layer`);
      assert.equal(p.locations[0]?.layerIndex, layer.index, `${p.name}: layer`);
      assert.equal(p.locations[0]?.layerCreatedBy, layer.createdBy || undefined, `${p.name}: history line`);
    }
    const base = debs.filter((p) => p.locations[0]?.layerIndex === 0).length;
    const later = debs.filter((p) => (p.locations[0]?.layerIndex ?? 0) > 0);
    assert.ok(base > 50 && later.length > 10, `packages from the base (${base}) and from RUN lines (${later.length})`);
    assert.ok(later.some((p) => p.name === 'nodejs' && /apt-get/.test(p.locations[0]?.layerCreatedBy ?? '')), 'nodejs comes from an apt-get line');
  });

  test('application packages carry the /app layer and its history line', () => {
    const a = analyses.get('docker-archive');
    assert.ok(a);
    const appLayer = [...fixture.references.layers].reverse().find((l) => l.paths.some((p) => p.startsWith('app/node_modules/')));
    assert.ok(appLayer, 'the image has an /app layer');
    const appPackages = a.packages.filter((p) => p.locations.some((l) => l.path.replace(/^\/+/, '').startsWith('app/node_modules/')));
    const appPaths = new Set(appPackages.flatMap((p) => p.locations.map((l) => l.path.replace(/^\/+/, ''))));
    for (const r of fixture.references.npm.app) assert.ok(appPaths.has(r.path), `${r.name}@${r.version} at ${r.path} is reported`);
    for (const p of appPackages) {
      for (const loc of p.locations) {
        assert.equal(loc.layerIndex, appLayer.index, `${p.name}@${p.version}: layer index`);
        assert.equal(a.image.layers[loc.layerIndex]?.createdBy, appLayer.createdBy, `${p.name}: layer createdBy`);
      }
    }
  });
});
