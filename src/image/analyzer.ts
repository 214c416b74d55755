/**
 * The contract between the layer walker and everything that reads file contents (package
 * catalogers today; secret, malware and config scanners later). An analyser declares which files
 * it wants from the path and tar header alone, so most bytes are never buffered.
 */
export interface FileAnalyzer<T = unknown> {
  /** Stable name; results are grouped by it. */
  readonly name: string;
  /** Bumped when the output changes; part of the layer cache key. */
  readonly version: number;
  /** Options that change the output (custom rules, signature sets), digested; part of the cache key. */
  readonly cacheKey?: string;
  /** Largest file this analyser reads; larger ones are skipped with a warning. */
  readonly maxBytes: number;
  /** Decides from the path and header alone. Must be cheap: it is called for every file. */
  wants(path: string, header: FileHeader): boolean;
  /**
   * Parses one file. Returns JSON-serialisable data (it is cached by layer digest) or undefined
   * when the file holds nothing of interest. Data should not repeat the path: the walker records it.
   */
  analyze(file: FileContent): T | undefined | Promise<T | undefined>;
}

export interface FileHeader {
  size: number;
  mode: number;
}

export interface FileContent extends FileHeader {
  path: string;
  content: Buffer;
  /** Reports a problem with this file that did not stop the analysis. */
  warn(message: string): void;
}

/** One analyser's output for one file of one layer. */
export interface AnalyzerResult<T = unknown> {
  analyzer: string;
  path: string;
  layerIndex: number;
  data: T;
}
