import type { AnalyzerResult, FileAnalyzer } from '../image/analyzer.js';
import type { FileIndex } from '../image/file-index.js';
import type { LayerRef } from '../image/types.js';
import type { OsRelease, Package, PackageLocation } from './types.js';

/** A package as a cataloger reports it; the orchestrator assigns ids and ownership. */
export type CatalogedPackage = Omit<Package, 'id'>;

export interface CatalogContext {
  /** The final file system of the image. */
  files: FileIndex;
  /** The results of one of this cataloger's analysers, for files visible in the final image only. */
  results<T>(analyzer: string): AnalyzerResult<T>[];
  /** The detected distribution, when there is one. */
  os?: OsRelease;
  layers: readonly LayerRef[];
  /** A location for a file found in a layer, with the layer's digest and history command filled in. */
  location(path: string, layerIndex: number): PackageLocation;
  warn(message: string): void;
}

/**
 * One kind of package. Its analysers read single files while layers stream past (in parallel, cached
 * by layer digest); `catalog` then turns the results that survive in the final image into packages.
 */
export interface Cataloger {
  readonly name: string;
  readonly analyzers: readonly FileAnalyzer[];
  catalog(ctx: CatalogContext): CatalogedPackage[] | Promise<CatalogedPackage[]>;
}
