import { randomUUID } from 'node:crypto';
import type { ImageAnalysis } from '../catalog/analysis.js';
import type { Package, PackageLocation } from '../catalog/types.js';
import { toolVersionOf, type EncodeOptions } from './format.js';
import { hashFor } from './hashes.js';
import { imagePurl } from './image-identity.js';
import { declaredExpression } from './licenses.js';

/** SPDX 2.3 §7.2: SPDXID is `SPDXRef-` followed by letters, digits, `.` and `-` only. */
export function spdxId(kind: string, id: string): string {
  return `SPDXRef-${kind}-${id.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '')}`;
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  licenseComments?: string;
  description?: string;
  sourceInfo?: string;
  primaryPackagePurpose?: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}

/** `found at PATH in layer N (DIGEST)`: decodeSpdx reads this back. */
export function sourceInfoOf(locations: readonly PackageLocation[]): string | undefined {
  if (locations.length === 0) return undefined;
  const parts = locations.map((l) => `${l.path} in layer ${l.layerIndex}${l.layerDigest ? ` (${l.layerDigest})` : ''}`);
  return `found at ${parts.join('; ')}`;
}

/**
 * SPDX 2.3 JSON (spec chapters 6, 7 and 11; schemas/spdx-2.3.schema.json). The document DESCRIBES
 * the image package (purpose CONTAINER), which CONTAINS the OS and every package. Nothing about the
 * packages' licences is concluded: Bulkhead only reports what packages declare.
 */
export function encodeSpdx(analysis: ImageAnalysis, options: EncodeOptions = {}): string {
  const image = analysis.image;
  const name = image.name ?? image.reference;
  const imageId = spdxId('Image', name);
  const used = new Set<string>([imageId, 'SPDXRef-DOCUMENT']);
  const unique = (candidate: string): string => {
    let id = candidate;
    for (let n = 2; used.has(id); n++) id = `${candidate}-${n}`;
    used.add(id);
    return id;
  };

  const imagePackage: SpdxPackage = {
    SPDXID: imageId,
    name,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: 'CONTAINER',
  };
  if (image.manifestDigest) {
    imagePackage.versionInfo = image.manifestDigest;
    const [alg, hex] = image.manifestDigest.split(':');
    const hash = alg && hex ? hashFor('spdx', alg, hex) : undefined;
    if (hash) imagePackage.checksums = [{ algorithm: hash.algorithm, checksumValue: hash.value }];
  }
  const purl = imagePurl(image);
  if (purl) imagePackage.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }];

  const packages: SpdxPackage[] = [imagePackage];
  const relationships = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId }];
  if (analysis.os) {
    const os: SpdxPackage = {
      SPDXID: unique(spdxId('OperatingSystem', analysis.os.id)),
      name: analysis.os.id,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      sourceInfo: `from ${analysis.os.source}`,
    };
    if (analysis.os.versionId) os.versionInfo = analysis.os.versionId;
    if (analysis.os.prettyName) os.description = analysis.os.prettyName;
    packages.push(os);
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: os.SPDXID });
  }
  for (const pkg of analysis.packages) {
    const entry = packageEntry(pkg, unique(spdxId('Package', pkg.id)));
    packages.push(entry);
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: entry.SPDXID });
  }

  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    // §6.5: unique per document; no '#'. Bulkhead owns no domain, so it uses the SPDX one, as tools commonly do.
    documentNamespace: `https://spdx.org/spdxdocs/bulkhead-${name.replace(/[^A-Za-z0-9.-]+/g, '-')}-${randomUUID()}`,
    creationInfo: {
      creators: [`Tool: bulkhead-${toolVersionOf(options)}`],
      // §6.9: YYYY-MM-DDThh:mm:ssZ, without fractions of a second
      created: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    packages,
    relationships,
  };
  return JSON.stringify(document, null, 2) + '\n';
}

function packageEntry(pkg: Package, id: string): SpdxPackage {
  const declared = declaredExpression(pkg.licenses);
  const entry: SpdxPackage = {
    SPDXID: id,
    name: pkg.name,
    versionInfo: pkg.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: declared ?? 'NOASSERTION',
    copyrightText: 'NOASSERTION',
  };
  // licences that are not valid SPDX (`GPL-2+`) are kept as text rather than lost
  if (declared === undefined && pkg.licenses && pkg.licenses.length > 0) entry.licenseComments = `declared: ${pkg.licenses.join(', ')}`;
  if (pkg.description) entry.description = pkg.description;
  const sourceInfo = sourceInfoOf(pkg.locations);
  if (sourceInfo) entry.sourceInfo = sourceInfo;
  const checksums = Object.entries(pkg.hashes ?? {})
    .map(([alg, hex]) => hashFor('spdx', alg, hex))
    .filter((h) => h !== undefined)
    .map((h) => ({ algorithm: h.algorithm, checksumValue: h.value }));
  if (checksums.length > 0) entry.checksums = checksums;
  entry.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }];
  return entry;
}
