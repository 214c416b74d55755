import type { CatalogedPackage } from '../catalog/cataloger.js';
import type { OsRelease, PackageLocation } from '../catalog/types.js';
import { UNKNOWN_LAYER, type DecodedSbom } from './decoded.js';
import { canonicalHashName } from './hashes.js';
import { ShapeReader, type JsonObject } from './json-shape.js';
import { osFamily, osFromDistroQualifier } from './os-hint.js';
import { genericPurl, OS_PACKAGE_TYPES, parsePurl } from './purl-package.js';

const SPEC_VERSIONS = new Set(['SPDX-2.2', 'SPDX-2.3']);

/** SPDX 2.3 §7.21 categories; 2.3.1's schema also accepts the underscore spelling some tools write. */
const PACKAGE_MANAGER = new Set(['PACKAGE-MANAGER', 'PACKAGE_MANAGER']);

/**
 * Reads an SPDX 2.2/2.3 JSON document. Packages are those with a `purl` external reference
 * (SPDX 2.3 Annex F); the package the document DESCRIBES is the image itself and is not listed.
 */
export function decodeSpdx(doc: JsonObject, path: string): DecodedSbom {
  const r = new ShapeReader(path);
  const version = r.optString(doc.spdxVersion, 'spdxVersion');
  if (version === undefined || !SPEC_VERSIONS.has(version)) r.fail('spdxVersion', `unsupported SPDX version ${JSON.stringify(version ?? null)} (SPDX-2.2 and SPDX-2.3 are read)`);
  const documentId = r.optString(doc.SPDXID, 'SPDXID') ?? 'SPDXRef-DOCUMENT';

  const described = new Set<string>();
  r.optArray(doc.documentDescribes, 'documentDescribes').forEach((id, i) => described.add(r.optString(id, `documentDescribes[${i}]`) ?? ''));
  r.optArray(doc.relationships, 'relationships').forEach((item, i) => {
    const rel = r.object(item, `relationships[${i}]`);
    const from = r.optString(rel.spdxElementId, `relationships[${i}].spdxElementId`);
    const type = r.optString(rel.relationshipType, `relationships[${i}].relationshipType`);
    const to = r.optString(rel.relatedSpdxElement, `relationships[${i}].relatedSpdxElement`);
    if (type === 'DESCRIBES' && from === documentId && to) described.add(to);
    if (type === 'DESCRIBED_BY' && to === documentId && from) described.add(from);
  });

  const image: DecodedSbom['image'] = { reference: r.optString(doc.name, 'name') ?? path, transport: 'sbom', labels: {}, layers: [] };
  const packages: CatalogedPackage[] = [];
  const warnings: string[] = [];
  let os: OsRelease | undefined;
  r.optArray(doc.packages, 'packages').forEach((item, i) => {
    const at = `packages[${i}]`;
    const p = r.object(item, at);
    const id = r.optString(p.SPDXID, `${at}.SPDXID`);
    const name = r.optString(p.name, `${at}.name`);
    const versionInfo = r.optString(p.versionInfo, `${at}.versionInfo`);
    const purpose = r.optString(p.primaryPackagePurpose, `${at}.primaryPackagePurpose`);
    const purl = purlOf(r, p, at);
    const facts = purl === undefined ? undefined : parsePurl(purl);
    if (purl !== undefined && facts === undefined) warnings.push(`${at}: invalid package URL ${purl}`);
    if (purpose === 'CONTAINER' || purl?.startsWith('pkg:oci/') || (id !== undefined && described.has(id) && !facts)) {
      if (id !== undefined && described.has(id)) {
        if (name) image.reference = name;
        const digest = facts?.version ?? versionInfo;
        if (digest?.startsWith('sha256:')) image.manifestDigest = digest;
      }
      return;
    }
    if (purpose === 'OPERATING_SYSTEM') {
      if (name) os ??= { id: name.toLowerCase(), family: osFamily(name), source: 'sbom', ...(versionInfo ? { versionId: versionInfo } : {}) };
      return;
    }
    const pkgName = name ?? facts?.name;
    const pkgVersion = versionInfo ?? facts?.version;
    if (!pkgName || (!facts && !pkgVersion)) return;
    const pkg: CatalogedPackage = {
      name: pkgName,
      version: pkgVersion ?? '',
      type: facts?.type ?? 'generic',
      purl: facts ? purl! : genericPurl(pkgName, pkgVersion),
      cataloger: 'sbom',
      locations: locationsOf(r.optString(p.sourceInfo, `${at}.sourceInfo`)),
    };
    if (facts?.namespace !== undefined) pkg.namespace = facts.namespace;
    const upstream = facts?.qualifiers.upstream?.split('@');
    if (upstream?.[0]) pkg.sourceName = upstream[0];
    if (upstream?.[1]) pkg.sourceVersion = upstream[1];
    if (facts?.qualifiers.arch) pkg.architecture = facts.qualifiers.arch;
    const epoch = Number(facts?.qualifiers.epoch ?? NaN);
    if (Number.isInteger(epoch)) pkg.epoch = epoch;
    const description = r.optString(p.description, `${at}.description`);
    if (description) pkg.description = description;
    const licenses = licensesOf(r, p, at);
    if (licenses.length > 0) pkg.licenses = licenses;
    const hashes: Record<string, string> = {};
    r.optArray(p.checksums, `${at}.checksums`).forEach((c, j) => {
      const checksum = r.object(c, `${at}.checksums[${j}]`);
      const alg = r.optString(checksum.algorithm, `${at}.checksums[${j}].algorithm`);
      const value = r.optString(checksum.checksumValue, `${at}.checksums[${j}].checksumValue`);
      if (alg && value) hashes[canonicalHashName(alg)] = value.toLowerCase();
    });
    if (Object.keys(hashes).length > 0) pkg.hashes = hashes;
    packages.push(pkg);
  });
  os ??= osFromDistroQualifier(packages.filter((p) => OS_PACKAGE_TYPES.has(p.type)).map((p) => parsePurl(p.purl)?.qualifiers.distro), path);
  const decoded: DecodedSbom = { format: 'spdx', image, packages, warnings };
  if (os) decoded.os = os;
  return decoded;
}

function purlOf(r: ShapeReader, p: JsonObject, at: string): string | undefined {
  for (const [j, item] of r.optArray(p.externalRefs, `${at}.externalRefs`).entries()) {
    const ref = r.object(item, `${at}.externalRefs[${j}]`);
    const category = r.optString(ref.referenceCategory, `${at}.externalRefs[${j}].referenceCategory`);
    const type = r.optString(ref.referenceType, `${at}.externalRefs[${j}].referenceType`);
    if (category && PACKAGE_MANAGER.has(category) && type === 'purl') return r.optString(ref.referenceLocator, `${at}.externalRefs[${j}].referenceLocator`);
  }
  return undefined;
}

/** Declared licences; when Bulkhead could not express them in SPDX it kept them in licenseComments. */
function licensesOf(r: ShapeReader, p: JsonObject, at: string): string[] {
  const meaningful = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== 'NOASSERTION' && v !== 'NONE';
  const declared = r.optString(p.licenseDeclared, `${at}.licenseDeclared`);
  if (meaningful(declared)) return [declared];
  const comment = /^declared: (.+)$/.exec(r.optString(p.licenseComments, `${at}.licenseComments`) ?? '');
  if (comment) return comment[1]!.split(', ');
  const concluded = r.optString(p.licenseConcluded, `${at}.licenseConcluded`);
  return meaningful(concluded) ? [concluded] : [];
}

/**
 * Locations from `sourceInfo`: Bulkhead writes `found at PATH in layer N (DIGEST); ...`; other tools
 * write prose ending in a path (Syft: `acquired package info from ...: /usr/lib/...`).
 */
function locationsOf(sourceInfo: string | undefined): PackageLocation[] {
  if (!sourceInfo) return [];
  if (sourceInfo.startsWith('found at ')) {
    return sourceInfo
      .slice('found at '.length)
      .split('; ')
      .map((part) => /^(.*) in layer (-?\d+)(?: \((\S+)\))?$/.exec(part))
      .filter((m) => m !== null)
      .map((m) => ({ path: m[1]!, layerIndex: Number(m[2]), ...(m[3] ? { layerDigest: m[3] } : {}) }));
  }
  const tail = /:\s*(\/?[^\s:]+\/[^\s:]*)\s*$/.exec(sourceInfo)?.[1];
  return tail ? [{ path: tail.replace(/^\/+/, ''), layerIndex: UNKNOWN_LAYER }] : [];
}
