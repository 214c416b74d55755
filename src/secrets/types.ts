/**
 * Types of the secret scanner. Everything here is plain JSON so that the analyser can be rebuilt on
 * a layer worker thread from the options the main thread was given.
 */

export type SecretSeverity = 'critical' | 'high' | 'medium' | 'low';

/** Checks a candidate beyond its regular expression; named so that rules stay plain data. */
export type SecretValidator = 'jwt' | 'base64-auth' | 'pem-body';

export interface SecretRule {
  /** Stable id, used as the finding id (`github-pat`, `aws-access-key-id`). */
  id: string;
  description: string;
  severity: SecretSeverity;
  /**
   * Literals (at least 3 characters, compared without case) of which one must occur for the rule to
   * run; the rule's regex then runs only on a window around each occurrence.
   */
  keywords: string[];
  /** JavaScript regular expression source. */
  regex: string;
  /** Regex flags besides `g` (`i`, `s`, `m`). */
  flags?: string;
  /** Capture group that is the secret; 0 (the default) is the whole match. */
  secretGroup?: number;
  /** Least Shannon entropy (bits per character) the secret must have. */
  entropy?: number;
  /** Drop values that look like placeholders (`changeme`, `${VAR}`, `<password>`...). */
  placeholders?: boolean;
  /** Only files whose image-root relative path matches one of these globs. */
  paths?: string[];
  /** Characters before / after a keyword the match may span (defaults 128 / 512). */
  before?: number;
  after?: number;
  validate?: SecretValidator;
  /**
   * Generic rules: the value must not look like code (a member access `self.password`, a variable
   * `$PASS`), must not repeat the key's word (`db-password`), and must hold a digit or a symbol.
   */
  generic?: boolean;
  /** Capture group of the value's opening quote: in source code, unquoted values are identifiers. */
  quoteGroup?: number;
}

/** Things a scan should not report. An entry applies when every field it gives matches. */
export interface SecretAllow {
  /** Globs on the image-root relative path (src/findings path-glob syntax). */
  paths?: string[];
  /** Regexes tested against the secret. */
  regexes?: string[];
  /** Rule ids the entry is limited to. */
  rules?: string[];
  /** Exact secret values (documentation examples such as AWS's `AKIAIOSFODNN7EXAMPLE`). */
  values?: string[];
}

/** A user's secret configuration file, as parsed (see config-file.ts). */
export interface SecretConfig {
  rules: SecretRule[];
  allow: SecretAllow[];
  disableRules: string[];
}

export interface SecretScanOptions {
  /** A secret configuration as YAML text (parsed on each thread) or already parsed. */
  configText?: string;
  /** Name of the configuration in error messages. */
  configName?: string;
  config?: Partial<SecretConfig>;
  /** Built-in or custom rule ids not to run. */
  disableRules?: string[];
  /** Largest file read (default 10 MiB). */
  maxBytes?: number;
  /** Also scan the paths skipped by default (documentation, package test suites). */
  noDefaultSkips?: boolean;
}

/** One secret found in a file or the image configuration. Never holds the secret itself. */
export interface SecretHit {
  rule: string;
  severity: SecretSeverity;
  description: string;
  /** 1-based line and column (column in bytes for files, characters for configuration values). */
  line: number;
  column: number;
  /** The first characters of the secret and `*****`. */
  redacted: string;
  /** SHA-256 (hex) of the secret: the same secret in several layers or places dedupes on it. */
  sha256: string;
  /** For configuration hits: where in the config (`Env[3]`, `Labels.foo`, `history[2].created_by`). */
  location?: string;
}
