import type { LayerCacheFactory } from '../image/layer-cache.js';
import type { OpenOptions } from '../image/options.js';
import type { FileIndex } from '../image/file-index.js';
import type { AnalyzerResult } from '../image/analyzer.js';
import type { TransportName } from '../image/reference.js';
import type { ImageConfig, LayerRef, Platform } from '../image/types.js';
import type { OsRelease, Package } from './types.js';
import type { PasswdEntry } from './os/passwd.js';
import type { AnalyzerSpec } from './extra-analyzers.js';

/** The result of analysing one image: what it is, what it holds, and what could not be read. */
export interface ImageAnalysis {
  /** Bumped on any incompatible change of this shape (it is the `json` output format). */
  schemaVersion: 1;
  image: ImageFacts;
  os?: OsRelease;
  packages: Package[];
  /** Problems that did not stop the analysis (unreadable files, caps reached). */
  warnings: string[];
  /** The final file system; not serialised. */
  files?: FileIndex;
  /**
   * What the file scanners (secrets, malware) reported, from every layer, including files a later
   * layer deleted or replaced (`hidden`: they still ship in the image); not serialised.
   */
  scannerResults?: (AnalyzerResult & { hidden: boolean })[];
  /** Accounts of the final `etc/passwd` (to map a USER name to its UID); not serialised. */
  users?: PasswdEntry[];
}

export interface ImageFacts {
  /** The reference as given, normalised (`docker.io/library/debian:12`, `docker-archive:/x.tar`). */
  reference: string;
  transport: TransportName;
  /** Repository and tag, when known. */
  name?: string;
  /** Digest of the image manifest (`repo@digest`). */
  manifestDigest?: string;
  /** Digest of the config blob: the image ID. */
  configDigest?: string;
  platform?: Platform;
  created?: string;
  labels: Record<string, string>;
  layers: LayerFacts[];
  config?: ImageConfig;
}

/** A layer as the image describes it, with what the walk counted in it. */
export interface LayerFacts extends LayerRef {
  /** Entries in the layer and bytes of its regular files. */
  files: number;
  bytes: number;
}

export interface AnalyzeOptions extends OpenOptions {
  /** Names of catalogers to run (all by default). */
  catalogers?: string[];
  /** Where per-layer results are cached by digest; false turns the cache off. */
  cacheDir?: string | false;
  /**
   * A shared layer cache (workers on PostgreSQL) used instead of the file-system one; called with the
   * analyser set's key. `cacheDir: false` does not turn this off; leaving it unset does.
   */
  layerCache?: LayerCacheFactory;
  /** Layers analysed at once. */
  concurrency?: number;
  /** Analyse layers on worker threads (default true where the transport allows). */
  workers?: boolean;
  /** File scanners (secrets, malware) run in the same pass over the layers. */
  extraAnalyzers?: AnalyzerSpec[];
}
