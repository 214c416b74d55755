import type { TransportName } from './reference.js';

/** OCI image spec, "Platform" (image-index.md). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** OCI image spec, config.md: the parts Bulkhead reads. Docker's config has the same shape. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, object>;
    Volumes?: Record<string, object>;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number };
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface LayerRef {
  /** 0 is the base layer. */
  index: number;
  /** Digest of the blob as stored (compressed for registries); the layer cache key. */
  digest: string;
  /** Digest of the uncompressed tar, from the config's `rootfs.diff_ids`. */
  diffId?: string;
  mediaType: string;
  /** Stored size in bytes, when the manifest says. */
  size?: number;
  /** The history command that created the layer (Dockerfile line). */
  createdBy?: string;
}

/** One entry of a layer, as the layer's tar (or a directory walk) presents it. */
export interface LayerEntry {
  /** Relative to the image root, no leading slash, normalised; never contains `..`. */
  path: string;
  type: EntryType;
  mode: number;
  size: number;
  uid: number;
  gid: number;
  mtime?: number;
  /** Symlink target as written, or (hardlink) the path of the linked entry. */
  linkTarget?: string;
  /** A sparse file: listed with its real size, never buffered or analysed. */
  sparse?: boolean;
  /**
   * Reads the entry's bytes, at most `maxBytes`; valid only until the next entry is produced.
   * Returns undefined when the entry is larger than `maxBytes` (nothing buffered).
   */
  read(maxBytes: number): Promise<Buffer | undefined>;
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

/** An opened image: configuration, layers, and a way to stream each layer's entries. */
export interface ImageSource {
  readonly transport: TransportName;
  /** The reference as given, normalised. */
  readonly reference: string;
  /** Repository name with tag, when the transport knows one. */
  readonly name?: string;
  /** Digest of the image manifest (what `repo@digest` pins). */
  readonly manifestDigest?: string;
  /** Digest of the config blob: the image ID. */
  readonly configDigest?: string;
  readonly config: ImageConfig;
  readonly layers: LayerRef[];
  /** Layer entries in tar order. Blob digests are verified as they stream; a mismatch throws DIGEST_MISMATCH. */
  entries(layer: LayerRef, signal?: AbortSignal): AsyncIterable<LayerEntry>;
  /**
   * The layer's stored bytes and how to verify them, for analysis off the main thread. Sources
   * without it (a directory) are analysed through `entries`.
   */
  rawLayer?(layer: LayerRef, signal?: AbortSignal): Promise<RawLayer>;
  /** Layers are local files that workers read themselves (this thread has nothing to move). */
  readonly localLayers?: boolean;
  /** True when layer contents are fixed by digest, so analyses can be cached by it. */
  readonly cacheable: boolean;
  close(): Promise<void>;
}

/** A layer's bytes as stored, with what they must hash to. */
export interface RawLayer {
  /** The bytes as a stream, or (local files) where they are, for the worker to read itself. */
  stream?: import('node:stream').Readable;
  file?: { path: string; start: number; end: number };
  /** Digest (and size) of the stored bytes, checked as they stream. */
  blobDigest?: string;
  blobSize?: number;
  /** Digest of the uncompressed tar (Docker's legacy archives verify layers only this way). */
  diffId?: string;
  /** For messages: the reference and layer. */
  what: string;
}
