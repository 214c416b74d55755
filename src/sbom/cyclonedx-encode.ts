import { randomUUID } from 'node:crypto';
import type { Contrib, Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { lazyModule } from '../lazy-module.js';

const load = lazyModule<typeof import('@cyclonedx/cyclonedx-library')>('@cyclonedx/cyclonedx-library');
import type { ImageAnalysis, ImageFacts } from '../catalog/analysis.js';
import type { OsRelease, Package } from '../catalog/types.js';
import { toolVersionOf, type EncodeOptions } from './format.js';
import { hashFor } from './hashes.js';
import { validateSpdxExpression } from './licenses.js';
import { imagePurl, imageBomRef } from './image-identity.js';
import { locationProps, PROP, repositoryOf, tagOf } from './properties.js';

let factory: InstanceType<typeof Contrib.License.Factories.LicenseFactory> | undefined;
const licenseFactory = () => (factory ??= new (load().Contrib.License.Factories.LicenseFactory)(validateSpdxExpression));

/**
 * CycloneDX 1.6 JSON for an analysis. The image is `metadata.component` (type `container`), the OS
 * an `operating-system` component, each package a `library` component whose bom-ref is the package id.
 * The library's model has no `evidence.occurrences` (CycloneDX 1.6 §evidence), so they are added to
 * the normalised document before it is written. `vulnerabilities` (the scan report's
 * `cyclonedx-json` format) fill the BOM's `vulnerabilities` array (CycloneDX 1.6 §vulnerabilities).
 */
export function encodeCycloneDx(
  analysis: ImageAnalysis,
  options: EncodeOptions = {},
  vulnerabilities: readonly BomVulnerability[] = [],
): string {
  const { Enums, Models, Serialize, Spec } = load();
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = options.now ?? new Date();
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'bulkhead', { version: toolVersionOf(options) }),
  );
  bom.metadata.component = imageComponent(analysis.image);
  if (analysis.os) bom.components.add(osComponent(analysis.os));
  for (const pkg of analysis.packages) bom.components.add(packageComponent(pkg));
  if (vulnerabilities.length > 0) addVulnerabilities(bom, vulnerabilities);

  const normalizer = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6).makeForBom();
  const normalized = normalizer.normalize(bom, { sortLists: true });
  const occurrences = new Map(analysis.packages.map((p) => [p.id, p.locations.map((l) => ({ location: l.path }))]));
  for (const component of normalized.components ?? []) {
    const found = component['bom-ref'] === undefined ? undefined : occurrences.get(component['bom-ref']);
    if (found && found.length > 0) {
      (component as { evidence?: Record<string, unknown> }).evidence = {
        ...(component.evidence ?? {}),
        occurrences: found,
      };
    }
  }
  return JSON.stringify(normalized, null, 2) + '\n';
}

/**
 * A vulnerability as CycloneDX 1.6 §vulnerabilities describes it, in plain data so callers need not
 * know the library's model. Values of `severity`, `method`, `state` and `justification` are the
 * schema's enumerations. `affects` names bom-refs of the BOM's components; refs the BOM does not
 * hold are left out (a dangling ref would make the document inconsistent).
 */
export interface BomVulnerability {
  id: string;
  bomRef?: string;
  source?: { name?: string; url?: string };
  /** The same vulnerability in other databases (CycloneDX `references`: aliases). */
  references?: { id: string; source: { name?: string; url?: string } }[];
  ratings?: {
    source?: { name?: string; url?: string };
    score?: number;
    severity?: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none' | 'unknown';
    method?: 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'OWASP' | 'SSVC' | 'other';
    vector?: string;
  }[];
  cwes?: number[];
  description?: string;
  detail?: string;
  recommendation?: string;
  advisories?: { url: string; title?: string }[];
  published?: Date;
  updated?: Date;
  analysis?: {
    state?: 'resolved' | 'resolved_with_pedigree' | 'exploitable' | 'in_triage' | 'false_positive' | 'not_affected';
    justification?:
      | 'code_not_present'
      | 'code_not_reachable'
      | 'requires_configuration'
      | 'requires_dependency'
      | 'requires_environment'
      | 'protected_by_compiler'
      | 'protected_at_runtime'
      | 'protected_at_perimeter'
      | 'protected_by_mitigating_control';
    detail?: string;
  };
  affects: string[];
  properties?: [string, string][];
}

function addVulnerabilities(bom: Models.Bom, vulnerabilities: readonly BomVulnerability[]): void {
  const { Enums, Models } = load();
  const refs = new Map<string, Models.BomRef>();
  for (const c of [bom.metadata.component, ...bom.components]) if (c?.bomRef.value !== undefined) refs.set(c.bomRef.value, c.bomRef);
  const source = (s: { name?: string; url?: string } | undefined) =>
    s && new Models.Vulnerability.Source({ ...(s.name ? { name: s.name } : {}), ...(s.url ? { url: s.url } : {}) });
  for (const v of vulnerabilities) {
    const model = new Models.Vulnerability.Vulnerability({
      id: v.id,
      ...(v.bomRef !== undefined ? { bomRef: v.bomRef } : {}),
      ...(v.source ? { source: source(v.source)! } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(v.detail !== undefined ? { detail: v.detail } : {}),
      ...(v.recommendation !== undefined ? { recommendation: v.recommendation } : {}),
      ...(v.published ? { published: v.published } : {}),
      ...(v.updated ? { updated: v.updated } : {}),
    });
    for (const r of v.references ?? []) model.references.add(new Models.Vulnerability.Reference(r.id, source(r.source)!));
    for (const r of v.ratings ?? []) {
      model.ratings.add(
        new Models.Vulnerability.Rating({
          ...(r.source ? { source: source(r.source)! } : {}),
          ...(r.score !== undefined ? { score: r.score } : {}),
          ...(r.severity ? { severity: r.severity as Enums.Vulnerability.Severity } : {}),
          ...(r.method ? { method: r.method as Enums.Vulnerability.RatingMethod } : {}),
          ...(r.vector ? { vector: r.vector } : {}),
        }),
      );
    }
    for (const cwe of v.cwes ?? []) model.cwes.add(cwe);
    for (const a of v.advisories ?? []) model.advisories.add(new Models.Vulnerability.Advisory(a.url, a.title !== undefined ? { title: a.title } : {}));
    if (v.analysis) {
      model.analysis = new Models.Vulnerability.Analysis({
        ...(v.analysis.state ? { state: v.analysis.state as Enums.Vulnerability.AnalysisState } : {}),
        ...(v.analysis.justification ? { justification: v.analysis.justification as Enums.Vulnerability.AnalysisJustification } : {}),
        ...(v.analysis.detail !== undefined ? { detail: v.analysis.detail } : {}),
      });
    }
    for (const ref of new Set(v.affects)) {
      const known = refs.get(ref);
      if (known) model.affects.add(new Models.Vulnerability.Affect(known));
    }
    addProperties(model, v.properties ?? []);
    bom.vulnerabilities.add(model);
  }
}

function imageComponent(image: ImageFacts): Models.Component {
  const { Enums, Models } = load();
  const named = image.name ?? image.reference;
  const purl = imagePurl(image);
  const component = new Models.Component(Enums.ComponentType.Container, repositoryOf(named), {
    bomRef: imageBomRef(image),
  });
  const version = image.manifestDigest ?? tagOf(named);
  if (version !== undefined) component.version = version;
  if (purl !== undefined) component.purl = purl;
  const props: [string, string | undefined][] = [
    [PROP.imageReference, image.reference],
    [PROP.imageTransport, image.transport],
    [PROP.imageName, image.name],
    [PROP.manifestDigest, image.manifestDigest],
    [PROP.configDigest, image.configDigest],
    [PROP.created, image.created],
    [PROP.platform, image.platform && [image.platform.os, image.platform.architecture, image.platform.variant].filter(Boolean).join('/')],
  ];
  for (const [key, value] of Object.entries(image.labels)) props.push([PROP.labelPrefix + key, value]);
  for (const layer of image.layers) {
    const prefix = `${PROP.imageLayerPrefix}${layer.index}:`;
    props.push(
      [prefix + 'digest', layer.digest],
      [prefix + 'diff-id', layer.diffId],
      [prefix + 'media-type', layer.mediaType],
      [prefix + 'size', layer.size?.toString()],
      [prefix + 'created-by', layer.createdBy],
      [prefix + 'files', layer.files.toString()],
      [prefix + 'bytes', layer.bytes.toString()],
    );
  }
  addProperties(component, props);
  return component;
}

function osComponent(os: OsRelease): Models.Component {
  const { Enums, Models } = load();
  const component = new Models.Component(Enums.ComponentType.OperatingSystem, os.id, { bomRef: `os:${os.id}` });
  if (os.versionId !== undefined) component.version = os.versionId;
  if (os.prettyName !== undefined) component.description = os.prettyName;
  addProperties(component, [
    [PROP.osPrefix + 'family', os.family],
    [PROP.osPrefix + 'name', os.name],
    [PROP.osPrefix + 'pretty-name', os.prettyName],
    [PROP.osPrefix + 'version-codename', os.versionCodename],
    [PROP.osPrefix + 'id-like', os.idLike?.join(' ')],
    [PROP.osPrefix + 'distroless', os.distroless ? 'true' : undefined],
    [PROP.osPrefix + 'source', os.source],
  ]);
  return component;
}

function packageComponent(pkg: Package): Models.Component {
  const { Enums, Models } = load();
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef: pkg.id,
    version: pkg.version,
    purl: pkg.purl,
  });
  if (pkg.namespace !== undefined) component.group = pkg.namespace;
  if (pkg.description !== undefined) component.description = pkg.description;
  const licenses = [...new Set(pkg.licenses ?? [])].filter((l) => l.trim() !== '');
  // CycloneDX 1.6 `licenses` is either license objects or exactly one expression: an expression is
  // used only when it is the package's single licence.
  if (licenses.length === 1) component.licenses.add(licenseFactory().makeFromString(licenses[0]!));
  else for (const l of licenses) component.licenses.add(licenseFactory().makeDisjunctive(l));
  for (const [name, hex] of Object.entries(pkg.hashes ?? {})) {
    const hash = hashFor('cyclonedx', name, hex);
    if (hash) component.hashes.set(hash.algorithm as Enums.HashAlgorithm, hash.value);
  }
  const props: [string, string | undefined][] = [
    [PROP.packageType, pkg.type],
    [PROP.cataloger, pkg.cataloger],
    [PROP.sourceName, pkg.sourceName],
    [PROP.sourceVersion, pkg.sourceVersion],
    [PROP.epoch, pkg.epoch?.toString()],
    [PROP.release, pkg.release],
    [PROP.architecture, pkg.architecture],
    [PROP.ownedBy, pkg.ownedBy && `${pkg.ownedBy.type}:${pkg.ownedBy.name}@${pkg.ownedBy.version}`],
  ];
  pkg.locations.forEach((location, i) => {
    const names = locationProps(i);
    props.push(
      [names.index, location.layerIndex.toString()],
      [names.digest, location.layerDigest],
      [names.createdBy, location.layerCreatedBy],
    );
  });
  for (const [key, value] of Object.entries(pkg.metadata ?? {})) props.push([PROP.metadataPrefix + key, value]);
  addProperties(component, props);
  return component;
}

function addProperties(component: { properties: Models.PropertyRepository }, props: readonly [string, string | undefined][]): void {
  const { Models } = load();
  for (const [name, value] of props) {
    if (value !== undefined && value !== '') component.properties.add(new Models.Property(name, value));
  }
}
