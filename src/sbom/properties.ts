/**
 * Names of the CycloneDX properties Bulkhead writes and reads back. CycloneDX 1.6 §properties: names
 * should carry a namespace; `bulkhead:` is ours. Location 0 uses the plain layer names, later
 * locations of the same package add their index (`bulkhead:location:1:layer:index`), matching the
 * order of `evidence.occurrences`.
 */
export const PROP = {
  layerDigest: 'bulkhead:layer:digest',
  layerIndex: 'bulkhead:layer:index',
  layerCreatedBy: 'bulkhead:layer:created-by',
  sourceName: 'bulkhead:package:source-name',
  sourceVersion: 'bulkhead:package:source-version',
  ownedBy: 'bulkhead:package:owned-by',
  cataloger: 'bulkhead:package:cataloger',
  packageType: 'bulkhead:package:type',
  epoch: 'bulkhead:package:epoch',
  release: 'bulkhead:package:release',
  architecture: 'bulkhead:package:architecture',
  metadataPrefix: 'bulkhead:package:metadata:',
  imageReference: 'bulkhead:image:reference',
  imageTransport: 'bulkhead:image:transport',
  imageName: 'bulkhead:image:name',
  manifestDigest: 'bulkhead:image:manifest-digest',
  configDigest: 'bulkhead:image:config-digest',
  created: 'bulkhead:image:created',
  platform: 'bulkhead:image:platform',
  labelPrefix: 'bulkhead:image:label:',
  imageLayerPrefix: 'bulkhead:image:layer:',
  osPrefix: 'bulkhead:os:',
} as const;

/** Property names for the i-th location's layer facts. */
export function locationProps(i: number): { digest: string; index: string; createdBy: string } {
  if (i === 0) return { digest: PROP.layerDigest, index: PROP.layerIndex, createdBy: PROP.layerCreatedBy };
  return {
    digest: `bulkhead:location:${i}:layer:digest`,
    index: `bulkhead:location:${i}:layer:index`,
    createdBy: `bulkhead:location:${i}:layer:created-by`,
  };
}

/** `docker.io/library/debian:12@sha256:…` → `docker.io/library/debian`. */
export function repositoryOf(name: string): string {
  const noDigest = name.split('@')[0] ?? name;
  const lastSlash = noDigest.lastIndexOf('/');
  const lastColon = noDigest.lastIndexOf(':');
  return lastColon > lastSlash ? noDigest.slice(0, lastColon) : noDigest;
}

/** The tag of `repo:tag`, if any. */
export function tagOf(name: string): string | undefined {
  const noDigest = name.split('@')[0] ?? name;
  const lastSlash = noDigest.lastIndexOf('/');
  const lastColon = noDigest.lastIndexOf(':');
  return lastColon > lastSlash ? noDigest.slice(lastColon + 1) : undefined;
}
