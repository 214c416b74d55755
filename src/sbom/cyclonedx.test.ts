import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SPDX } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { decodeSbom, encodeSbom, validateCycloneDx } from './index.js';
import { hostAnalysis } from './testing/host-analysis.js';

const analysis = hostAnalysis();
const now = new Date('2025-01-02T03:04:05.678Z');
const text = encodeSbom(analysis, 'cyclonedx-json', { toolVersion: '0.1.0', now });
const bom = JSON.parse(text) as {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: { type: string; purl?: string; properties: { name: string; value: string }[] } };
  components: { type: string; 'bom-ref': string; purl?: string; licenses?: unknown[]; evidence?: { occurrences: { location: string }[] } }[];
};

const key = (p: { name: string; version: string; purl: string }) => `${p.name}\u0000${p.version}\u0000${p.purl}`;

test('the fixture is real: dpkg, npm ls and dpkg-owned language packages', () => {
  const types = new Set(analysis.packages.map((p) => p.type));
  assert.ok(types.has('deb') && types.has('npm'), [...types].join(','));
  assert.ok(analysis.packages.some((p) => p.ownedBy), 'some language package is owned by a Debian package');
});

test('CycloneDX 1.6 output passes the library strict schema validator', async () => {
  assert.equal(bom.specVersion, '1.6');
  assert.equal(await validateCycloneDx(text), null);
});

test('document identity: timestamp from options, random urn:uuid serial', () => {
  assert.equal(bom.metadata.timestamp, now.toISOString());
  assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
  const again = JSON.parse(encodeSbom(analysis, 'cyclonedx-json', { now })) as typeof bom;
  assert.notEqual(again.serialNumber, bom.serialNumber);
});

test('the image is the container metadata component with an oci purl pinned by digest', () => {
  const image = bom.metadata.component;
  assert.equal(image.type, 'container');
  const purl = PackageURL.fromString(image.purl!);
  assert.equal(purl.type, 'oci');
  assert.equal(purl.version, analysis.image.manifestDigest);
  const props = new Map(image.properties.map((p) => [p.name, p.value]));
  assert.equal(props.get('bulkhead:image:config-digest'), analysis.image.configDigest);
  for (const [k, v] of Object.entries(analysis.image.labels)) if (v) assert.equal(props.get(`bulkhead:image:label:${k}`), v);
});

test('every package is a library component keyed by its id, with its locations as occurrences', () => {
  const byRef = new Map(bom.components.map((c) => [c['bom-ref'], c]));
  for (const pkg of analysis.packages) {
    const c = byRef.get(pkg.id);
    assert.ok(c, pkg.id);
    assert.equal(c.type, 'library');
    assert.equal(c.purl, pkg.purl);
    assert.deepEqual(c.evidence?.occurrences.map((o) => o.location), pkg.locations.map((l) => l.path));
  }
  assert.equal(bom.components.filter((c) => c.type === 'operating-system').length, 1);
});

test('round trip: decode returns the same name/version/purl set and restores Bulkhead facts', () => {
  const decoded = decodeSbom(text, 'host.cdx.json');
  assert.equal(decoded.format, 'cyclonedx');
  assert.deepEqual(new Set(decoded.packages.map(key)), new Set(analysis.packages.map(key)));
  assert.equal(decoded.image.reference, analysis.image.reference);
  assert.equal(decoded.image.manifestDigest, analysis.image.manifestDigest);
  assert.deepEqual(decoded.image.labels, analysis.image.labels);
  assert.deepEqual(decoded.image.layers?.map((l) => [l.index, l.digest, l.createdBy]), analysis.image.layers.map((l) => [l.index, l.digest, l.createdBy]));
  assert.equal(decoded.os?.id, analysis.os?.id);
  assert.equal(decoded.os?.versionId, analysis.os?.versionId);
  assert.equal(decoded.os?.family, analysis.os?.family);
  // one purl can be installed at several paths (nested node_modules): match each copy by location
  const byPurl = new Map<string, typeof decoded.packages>();
  for (const p of decoded.packages) byPurl.set(key(p), [...(byPurl.get(key(p)) ?? []), p]);
  for (const pkg of analysis.packages) {
    const got = byPurl.get(key(pkg))?.find((p) => JSON.stringify(p.locations) === JSON.stringify(pkg.locations));
    assert.ok(got, `${pkg.id}: no decoded package with the same purl and locations`);
    assert.deepEqual(got.locations, pkg.locations, pkg.id);
    assert.equal(got.sourceName, pkg.sourceName, pkg.id);
    assert.equal(got.sourceVersion, pkg.sourceVersion, pkg.id);
    assert.deepEqual(got.ownedBy, pkg.ownedBy, pkg.id);
    assert.equal(got.cataloger, pkg.cataloger);
    assert.equal(got.type, pkg.type);
    // identifiers come back in the SPDX list's spelling (`BSD-3-clause` → `BSD-3-Clause`)
    const spelled = (pkg.licenses ?? []).map((l) => SPDX.fixupSpdxId(l) ?? l);
    assert.deepEqual(new Set(got.licenses ?? []), new Set(spelled), pkg.id);
    assert.deepEqual(got.hashes, pkg.hashes, pkg.id);
  }
});

test('a package found in two layers keeps both locations through encode and decode', async () => {
  const pkg = analysis.packages.find((p) => p.type === 'npm')!;
  const layer1 = analysis.image.layers[1]!;
  const twice = { ...pkg, locations: [...pkg.locations, { path: `opt/copy/${pkg.locations[0]!.path}`, layerIndex: layer1.index, layerDigest: layer1.digest }] };
  const small = { ...analysis, packages: [twice] };
  const out = encodeSbom(small, 'cyclonedx-json');
  assert.equal(await validateCycloneDx(out), null);
  assert.deepEqual(decodeSbom(out, 'two.json').packages[0]!.locations, twice.locations);
});

test('the validator reports schema errors with their place', async () => {
  const broken = JSON.parse(text) as Record<string, unknown> & { components: Record<string, unknown>[] };
  broken.components[0]!.type = 'not-a-type';
  const errors = await validateCycloneDx(JSON.stringify(broken));
  assert.ok(errors && errors.some((e) => e.startsWith('/components/0/type')), String(errors));
});

test('an image without digest, OS or packages still gives a valid BOM', async () => {
  const { manifestDigest: _, ...image } = analysis.image;
  const bare = { ...analysis, image: { ...image, transport: 'docker-archive' as const, reference: 'docker-archive:/tmp/x.tar', name: undefined }, packages: [] };
  delete (bare as { os?: unknown }).os;
  const out = encodeSbom(bare, 'cyclonedx-json');
  assert.equal(await validateCycloneDx(out), null);
  const decoded = decodeSbom(out, 'bare.json');
  assert.equal(decoded.image.reference, 'docker-archive:/tmp/x.tar');
  assert.equal(decoded.packages.length, 0);
});
