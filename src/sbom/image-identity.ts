import { PackageURL } from 'packageurl-js';
import type { ImageFacts } from '../catalog/analysis.js';
import { repositoryOf, tagOf } from './properties.js';

/**
 * The image's package URL (purl PURL-TYPES `oci`): name is the last path segment, lower-cased,
 * version the manifest digest, `repository_url` the full repository. Only a manifest digest pins an
 * image, so without one there is no purl.
 */
export function imagePurl(image: ImageFacts): string | undefined {
  if (image.manifestDigest === undefined) return undefined;
  const named = image.name ?? image.reference;
  const repository = repositoryOf(named);
  const name = (repository.split('/').pop() ?? repository).toLowerCase();
  const qualifiers: Record<string, string> = {};
  if (image.transport === 'registry' || image.name !== undefined) qualifiers.repository_url = repository;
  if (image.platform?.architecture) qualifiers.arch = image.platform.architecture;
  const tag = tagOf(named);
  if (tag !== undefined) qualifiers.tag = tag;
  return new PackageURL('oci', undefined, name, image.manifestDigest, qualifiers).toString();
}

/** A bom-ref / SPDX element name for the image that cannot collide with package ids. */
export function imageBomRef(image: ImageFacts): string {
  return `image:${image.manifestDigest ?? image.configDigest ?? image.reference}`;
}
