import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import parseSpdxExpression from 'spdx-expression-parse';
import { decodeSbom, encodeSbom } from './index.js';
import { hostAnalysis } from './testing/host-analysis.js';

// ajv-formats is CommonJS with a `default` property; under NodeNext the default import is the module
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

const schema = JSON.parse(readFileSync(new URL('./schemas/spdx-2.3.schema.json', import.meta.url), 'utf8')) as object;
const analysis = hostAnalysis();
const now = new Date('2025-01-02T03:04:05.678Z');
const text = encodeSbom(analysis, 'spdx-json', { toolVersion: '0.1.0', now });

interface Doc {
  SPDXID: string;
  documentNamespace: string;
  creationInfo: { creators: string[]; created: string };
  packages: { SPDXID: string; name: string; versionInfo?: string; licenseDeclared: string; primaryPackagePurpose?: string; externalRefs?: { referenceLocator: string }[] }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}
const doc = JSON.parse(text) as Doc;
const key = (p: { name: string; version: string; purl: string }) => `${p.name}\u0000${p.version}\u0000${p.purl}`;

test('SPDX 2.3 output validates against the official SPDX 2.3 JSON schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5)));
  // the schema has teeth: a document without its data licence or with a bad purpose fails
  const { dataLicense: _, ...noLicense } = doc as unknown as Record<string, unknown>;
  assert.equal(validate(noLicense), false);
  const badPurpose = structuredClone(doc);
  badPurpose.packages[0]!.primaryPackagePurpose = 'IMAGE';
  assert.equal(validate(badPurpose), false);
});

test('document facts: creator, time, namespace, identifiers', () => {
  assert.equal(doc.SPDXID, 'SPDXRef-DOCUMENT');
  assert.deepEqual(doc.creationInfo.creators, ['Tool: bulkhead-0.1.0']);
  assert.equal(doc.creationInfo.created, '2025-01-02T03:04:05Z');
  assert.ok(URL.canParse(doc.documentNamespace) && !doc.documentNamespace.includes('#'));
  const again = JSON.parse(encodeSbom(analysis, 'spdx-json', { now })) as Doc;
  assert.notEqual(again.documentNamespace, doc.documentNamespace);
  const ids = doc.packages.map((p) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length, 'SPDXIDs are unique');
  for (const id of ids) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/);
});

test('the document DESCRIBES the image, which CONTAINS every package', () => {
  const describes = doc.relationships.filter((r) => r.relationshipType === 'DESCRIBES');
  assert.equal(describes.length, 1);
  const image = doc.packages.find((p) => p.SPDXID === describes[0]!.relatedSpdxElement)!;
  assert.equal(image.primaryPackagePurpose, 'CONTAINER');
  const contained = new Set(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS' && r.spdxElementId === image.SPDXID).map((r) => r.relatedSpdxElement));
  for (const p of doc.packages) if (p !== image) assert.ok(contained.has(p.SPDXID), p.SPDXID);
});

test('declared licences are valid SPDX expressions (checked by spdx-expression-parse) or NOASSERTION', () => {
  let expressions = 0;
  for (const p of doc.packages) {
    if (p.licenseDeclared === 'NOASSERTION') continue;
    assert.doesNotThrow(() => parseSpdxExpression(p.licenseDeclared), p.licenseDeclared);
    expressions++;
  }
  assert.ok(expressions > 0, 'the fixture has packages with SPDX licences');
});

test('round trip: decode returns the same name/version/purl set, OS and image digest', () => {
  const decoded = decodeSbom(text, 'host.spdx.json');
  assert.equal(decoded.format, 'spdx');
  assert.deepEqual(new Set(decoded.packages.map(key)), new Set(analysis.packages.map(key)));
  assert.equal(decoded.image.reference, analysis.image.name);
  assert.equal(decoded.image.manifestDigest, analysis.image.manifestDigest);
  assert.equal(decoded.os?.id, analysis.os?.id);
  assert.equal(decoded.os?.versionId, analysis.os?.versionId);
  // one purl can be installed at several paths (nested node_modules): match each copy by location
  const byKey = new Map<string, typeof decoded.packages>();
  for (const p of decoded.packages) byKey.set(key(p), [...(byKey.get(key(p)) ?? []), p]);
  for (const pkg of analysis.packages) {
    const expected = pkg.locations.map(({ layerCreatedBy: _, ...l }) => l);
    const got = byKey.get(key(pkg))?.find((p) => JSON.stringify(p.locations) === JSON.stringify(expected));
    assert.ok(got, `${pkg.id}: no decoded package with the same purl and locations`);
    assert.deepEqual(got.locations, expected, pkg.id);
    assert.deepEqual(got.hashes, pkg.hashes, pkg.id);
  }
});

test('an image without digest, OS or packages still gives a valid document', () => {
  const { manifestDigest: _, ...image } = analysis.image;
  const bare = { ...analysis, image: { ...image, transport: 'docker-archive' as const, reference: 'docker-archive:/tmp/x.tar', name: undefined }, packages: [] };
  delete (bare as { os?: unknown }).os;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const out = encodeSbom(bare, 'spdx-json');
  assert.ok(ajv.validate(schema, JSON.parse(out)), JSON.stringify(ajv.errors));
  assert.equal(decodeSbom(out, 'bare.json').image.reference, 'docker-archive:/tmp/x.tar');
});
