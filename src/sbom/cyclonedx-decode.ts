import type { ImageFacts, LayerFacts } from '../catalog/analysis.js';
import type { CatalogedPackage } from '../catalog/cataloger.js';
import type { OsRelease, PackageLocation } from '../catalog/types.js';
import { UNKNOWN_LAYER, type DecodedSbom } from './decoded.js';
import { canonicalHashName } from './hashes.js';
import { ShapeReader, type JsonObject } from './json-shape.js';
import { osFamily, osFromDistroQualifier } from './os-hint.js';
import { locationProps, PROP } from './properties.js';
import { genericPurl, OS_PACKAGE_TYPES, parsePurl } from './purl-package.js';

/** CycloneDX JSON versions read (CycloneDX 1.4–1.6 JSON schemas share the parts read here). */
const SPEC_VERSIONS = new Set(['1.4', '1.5', '1.6']);

/** A component's properties by name; names may repeat (CycloneDX 1.6 §properties). */
type Props = Map<string, string[]>;

/**
 * Reads a CycloneDX JSON BOM. Bulkhead's own `bulkhead:` properties restore what the encoder wrote;
 * Trivy's `aquasecurity:trivy:*` and Syft's `syft:*` properties are used as hints when present.
 */
export function decodeCycloneDx(doc: JsonObject, path: string): DecodedSbom {
  const r = new ShapeReader(path);
  const specVersion = r.optString(doc.specVersion, 'specVersion');
  if (specVersion === undefined || !SPEC_VERSIONS.has(specVersion)) {
    r.fail('specVersion', `unsupported CycloneDX version ${JSON.stringify(specVersion ?? null)} (1.4 to 1.6 are read)`);
  }
  const metadata = doc.metadata === undefined ? {} : r.object(doc.metadata, 'metadata');
  const subject = metadata.component === undefined ? undefined : r.object(metadata.component, 'metadata.component');
  const image = imageFacts(r, subject, path);
  const warnings: string[] = [];
  const packages: CatalogedPackage[] = [];
  let os: OsRelease | undefined;
  const seenRefs = new Set<string>();

  const visit = (list: unknown, where: string): void => {
    r.optArray(list, where).forEach((item, i) => {
      const at = `${where}[${i}]`;
      const c = r.object(item, at);
      const type = r.optString(c.type, `${at}.type`);
      const ref = r.optString(c['bom-ref'], `${at}.bom-ref`);
      if (ref !== undefined && seenRefs.has(ref)) return;
      if (ref !== undefined) seenRefs.add(ref);
      if (type === 'operating-system') os ??= osRelease(r, c, at);
      else if (type !== 'container') {
        const pkg = componentPackage(r, c, at, image.layers ?? [], warnings);
        if (pkg) packages.push(pkg);
      }
      visit(c.components, `${at}.components`);
    });
  };
  visit(doc.components, 'components');
  os ??= osFromDistroQualifier(packages.filter((p) => OS_PACKAGE_TYPES.has(p.type)).map((p) => parsePurl(p.purl)?.qualifiers.distro), path);
  const decoded: DecodedSbom = { format: 'cyclonedx', image, packages, warnings };
  if (os) decoded.os = os;
  return decoded;
}

function propsOf(r: ShapeReader, c: JsonObject, at: string): Props {
  const props: Props = new Map();
  r.optArray(c.properties, `${at}.properties`).forEach((p, i) => {
    const prop = r.object(p, `${at}.properties[${i}]`);
    const name = r.optString(prop.name, `${at}.properties[${i}].name`);
    const value = r.optString(prop.value, `${at}.properties[${i}].value`) ?? '';
    if (name !== undefined) props.set(name, [...(props.get(name) ?? []), value]);
  });
  return props;
}

const first = (props: Props, name: string): string | undefined => props.get(name)?.[0];

function imageFacts(r: ShapeReader, c: JsonObject | undefined, path: string): DecodedSbom['image'] {
  if (c === undefined) return { reference: path, transport: 'sbom', labels: {}, layers: [] };
  const props = propsOf(r, c, 'metadata.component');
  const name = r.optString(c.name, 'metadata.component.name');
  const version = r.optString(c.version, 'metadata.component.version');
  const purl = r.optString(c.purl, 'metadata.component.purl');
  const ociVersion = purl !== undefined && purl.startsWith('pkg:oci/') ? parsePurl(purl)?.version : undefined;
  const trivyRepoDigest = first(props, 'aquasecurity:trivy:RepoDigest')?.split('@')[1];
  const image: DecodedSbom['image'] = {
    reference: first(props, PROP.imageReference) ?? name ?? path,
    transport: 'sbom',
    labels: {},
    layers: [],
  };
  const manifestDigest = first(props, PROP.manifestDigest) ?? ociVersion ?? trivyRepoDigest ?? (version?.startsWith('sha256:') ? version : undefined);
  if (manifestDigest) image.manifestDigest = manifestDigest;
  const configDigest = first(props, PROP.configDigest) ?? first(props, 'aquasecurity:trivy:ImageID');
  if (configDigest) image.configDigest = configDigest;
  const imageName = first(props, PROP.imageName);
  if (imageName) image.name = imageName;
  const created = first(props, PROP.created);
  if (created) image.created = created;
  const platform = first(props, PROP.platform)?.split('/');
  if (platform?.[0] && platform[1]) {
    image.platform = { os: platform[0], architecture: platform[1] };
    if (platform[2]) image.platform.variant = platform[2];
  }
  const layers = new Map<number, Partial<LayerFacts>>();
  for (const [key, values] of props) {
    const value = values[0]!;
    if (key.startsWith(PROP.labelPrefix)) image.labels![key.slice(PROP.labelPrefix.length)] = value;
    const m = key.startsWith(PROP.imageLayerPrefix) ? /^(\d+):(.+)$/.exec(key.slice(PROP.imageLayerPrefix.length)) : null;
    if (!m) continue;
    const layer = layers.get(Number(m[1])) ?? { index: Number(m[1]) };
    layers.set(layer.index!, layer);
    if (m[2] === 'digest') layer.digest = value;
    else if (m[2] === 'diff-id') layer.diffId = value;
    else if (m[2] === 'media-type') layer.mediaType = value;
    else if (m[2] === 'created-by') layer.createdBy = value;
    else if (m[2] === 'size') layer.size = Number(value);
    else if (m[2] === 'files') layer.files = Number(value);
    else if (m[2] === 'bytes') layer.bytes = Number(value);
  }
  image.layers = [...layers.values()]
    .filter((l): l is Partial<LayerFacts> & { index: number; digest: string } => l.digest !== undefined)
    .map((l) => ({ mediaType: '', files: 0, bytes: 0, ...l }))
    .sort((a, b) => a.index - b.index);
  return image as ImageFacts;
}

function osRelease(r: ShapeReader, c: JsonObject, at: string): OsRelease | undefined {
  const props = propsOf(r, c, at);
  const id = r.optString(c.name, `${at}.name`)?.toLowerCase();
  if (!id) return undefined;
  const idLike = first(props, PROP.osPrefix + 'id-like')?.split(/\s+/).filter(Boolean);
  const family = first(props, PROP.osPrefix + 'family') as OsRelease['family'] | undefined;
  const os: OsRelease = { id, family: family ?? osFamily(id, idLike), source: first(props, PROP.osPrefix + 'source') ?? 'sbom' };
  const version = r.optString(c.version, `${at}.version`);
  if (version) os.versionId = version;
  if (idLike) os.idLike = idLike;
  const fields: [keyof OsRelease, string | undefined][] = [
    ['name', first(props, PROP.osPrefix + 'name')],
    ['prettyName', first(props, PROP.osPrefix + 'pretty-name') ?? r.optString(c.description, `${at}.description`)],
    ['versionCodename', first(props, PROP.osPrefix + 'version-codename')],
  ];
  for (const [key, value] of fields) if (value) (os as unknown as Record<string, string>)[key] = value;
  if (first(props, PROP.osPrefix + 'distroless') === 'true') os.distroless = true;
  return os;
}

function componentPackage(r: ShapeReader, c: JsonObject, at: string, layers: readonly LayerFacts[], warnings: string[]): CatalogedPackage | undefined {
  const props = propsOf(r, c, at);
  const componentName = r.optString(c.name, `${at}.name`);
  const group = r.optString(c.group, `${at}.group`);
  const componentVersion = r.optString(c.version, `${at}.version`);
  const purlText = r.optString(c.purl, `${at}.purl`);
  const facts = purlText === undefined ? undefined : parsePurl(purlText);
  if (purlText !== undefined && facts === undefined) warnings.push(`${at}: invalid package URL ${purlText}`);
  if (purlText?.startsWith('pkg:oci/')) return undefined;
  const version = componentVersion ?? facts?.version;
  if (!facts && (!componentName || !version)) return undefined; // e.g. Trivy's per-file "application" entries
  const name = joinGroup(facts?.type, group, componentName) ?? facts?.name;
  if (!name) return undefined;

  const pkg: CatalogedPackage = {
    name,
    version: version ?? '',
    type: facts?.type ?? 'generic',
    purl: facts ? purlText! : genericPurl(name, version),
    cataloger: first(props, PROP.cataloger) ?? first(props, 'syft:package:foundBy') ?? trivyCataloger(props) ?? 'sbom',
    locations: locationsOf(r, c, at, props, layers),
  };
  if (facts?.namespace !== undefined) pkg.namespace = facts.namespace;
  const upstream = facts?.qualifiers.upstream?.split('@');
  const text: [keyof CatalogedPackage, string | undefined][] = [
    ['sourceName', first(props, PROP.sourceName) ?? first(props, 'aquasecurity:trivy:SrcName') ?? upstream?.[0]],
    ['sourceVersion', first(props, PROP.sourceVersion) ?? first(props, 'aquasecurity:trivy:SrcVersion') ?? upstream?.[1]],
    ['release', first(props, PROP.release)],
    ['architecture', first(props, PROP.architecture) ?? facts?.qualifiers.arch],
    ['description', r.optString(c.description, `${at}.description`)],
  ];
  for (const [key, value] of text) if (value) (pkg as unknown as Record<string, string>)[key] = value;
  const epoch = Number(first(props, PROP.epoch) ?? facts?.qualifiers.epoch ?? NaN);
  if (Number.isInteger(epoch)) pkg.epoch = epoch;
  const licenses = licensesOf(r, c, at);
  if (licenses.length > 0) pkg.licenses = licenses;
  const hashes = hashesOf(r, c, at);
  if (Object.keys(hashes).length > 0) pkg.hashes = hashes;
  const owner = /^(deb|rpm|apk):(.+)@(.+)$/.exec(first(props, PROP.ownedBy) ?? '');
  if (owner) pkg.ownedBy = { type: owner[1] as 'deb' | 'rpm' | 'apk', name: owner[2]!, version: owner[3]! };
  const metadata: Record<string, string> = {};
  for (const [key, values] of props) if (key.startsWith(PROP.metadataPrefix)) metadata[key.slice(PROP.metadataPrefix.length)] = values[0]!;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

/** CycloneDX splits npm scopes and Go module paths into `group`; Bulkhead names include them. */
function joinGroup(type: string | undefined, group: string | undefined, name: string | undefined): string | undefined {
  if (!name) return undefined;
  if (!group || name.startsWith(`${group}/`)) return name;
  return type === 'npm' || type === 'golang' || type === 'composer' ? `${group}/${name}` : name;
}

function trivyCataloger(props: Props): string | undefined {
  const type = first(props, 'aquasecurity:trivy:PkgType');
  return type === undefined ? undefined : `trivy:${type}`;
}

function locationsOf(r: ShapeReader, c: JsonObject, at: string, props: Props, layers: readonly LayerFacts[]): PackageLocation[] {
  const evidence = c.evidence === undefined ? {} : r.object(c.evidence, `${at}.evidence`);
  let paths = r
    .optArray(evidence.occurrences, `${at}.evidence.occurrences`)
    .map((o, i) => r.optString(r.object(o, `${at}.evidence.occurrences[${i}]`).location, `${at}.evidence.occurrences[${i}].location`))
    .filter((p): p is string => p !== undefined);
  if (paths.length === 0) {
    const syft = [...props].filter(([k]) => /^syft:location:\d+:path$/.test(k)).map(([, v]) => v[0]!);
    paths = syft.length > 0 ? syft : (props.get('aquasecurity:trivy:FilePath') ?? []);
  }
  return paths.map((path, i) => {
    const names = locationProps(i);
    const digest = first(props, names.digest) ?? (i === 0 ? first(props, 'aquasecurity:trivy:LayerDigest') : undefined);
    const index = first(props, names.index);
    const byDigest = digest === undefined ? undefined : layers.find((l) => l.digest === digest)?.index;
    const location: PackageLocation = { path: path.replace(/^\/+/, ''), layerIndex: index !== undefined && /^\d+$/.test(index) ? Number(index) : byDigest ?? UNKNOWN_LAYER };
    if (digest) location.layerDigest = digest;
    const createdBy = first(props, names.createdBy);
    if (createdBy) location.layerCreatedBy = createdBy;
    return location;
  });
}

function licensesOf(r: ShapeReader, c: JsonObject, at: string): string[] {
  const out: string[] = [];
  r.optArray(c.licenses, `${at}.licenses`).forEach((item, i) => {
    const choice = r.object(item, `${at}.licenses[${i}]`);
    const expression = r.optString(choice.expression, `${at}.licenses[${i}].expression`);
    if (expression) out.push(expression);
    if (choice.license !== undefined) {
      const license = r.object(choice.license, `${at}.licenses[${i}].license`);
      const value = r.optString(license.id, `${at}.licenses[${i}].license.id`) ?? r.optString(license.name, `${at}.licenses[${i}].license.name`);
      if (value) out.push(value);
    }
  });
  return [...new Set(out)];
}

function hashesOf(r: ShapeReader, c: JsonObject, at: string): Record<string, string> {
  const out: Record<string, string> = {};
  r.optArray(c.hashes, `${at}.hashes`).forEach((item, i) => {
    const hash = r.object(item, `${at}.hashes[${i}]`);
    const alg = r.optString(hash.alg, `${at}.hashes[${i}].alg`);
    const content = r.optString(hash.content, `${at}.hashes[${i}].content`);
    if (alg && content) out[canonicalHashName(alg)] = content.toLowerCase();
  });
  return out;
}
