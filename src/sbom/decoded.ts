import type { ImageFacts } from '../catalog/analysis.js';
import type { CatalogedPackage } from '../catalog/cataloger.js';
import type { OsRelease } from '../catalog/types.js';

/**
 * What an SBOM says about an image. Locations whose layer the SBOM does not name have
 * `layerIndex: -1`; packages without a package URL get a `pkg:generic` one.
 */
export interface DecodedSbom {
  format: 'cyclonedx' | 'spdx';
  image: Partial<ImageFacts> & { reference: string };
  os?: OsRelease;
  packages: CatalogedPackage[];
  /** Entries that were skipped and why. */
  warnings: string[];
}

/** The layer index for a location whose layer is not known. */
export const UNKNOWN_LAYER = -1;
