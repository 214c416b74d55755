import type { ImageAnalysis } from '../../catalog/analysis.js';
import type { Finding, Severity } from '../../findings/types.js';
import type { PasswdEntry } from '../../catalog/index.js';

export interface ImageCheckOptions {
  /** An image whose config `created` is older than this many days is reported (default 365; 0 turns it off). */
  maxAgeDays?: number;
  /** The clock for the age check (tests pin it). */
  now?: Date;
  /**
   * The image's `etc/passwd`, parsed (see `parsePasswd`, `passwdAnalyzer`, `readEtcPasswd`): a USER
   * given by name is mapped to its UID with it. Without it only `root` and numeric UIDs are judged.
   */
  passwd?: readonly PasswdEntry[];
}

/** What every check receives: the analysis and derived facts computed once. */
export interface CheckContext {
  analysis: ImageAnalysis;
  options: ImageCheckOptions;
  now: Date;
  /** Config history entries, each with the layer it produced (none for `empty_layer` entries). */
  history: HistoryStep[];
  /** Builds a finding with the image target and the shared fields filled in. */
  finding(spec: FindingSpec): Finding;
}

export interface HistoryStep {
  createdBy: string;
  emptyLayer: boolean;
  /** Index of the produced layer, when the entry produced one. */
  layerIndex?: number;
}

export interface FindingSpec {
  id: string;
  severity: Severity;
  title: string;
  remediation: string;
  evidence: Record<string, string>;
  description?: string;
  /** CIS Docker Benchmark (section 4) recommendation number, copied into `evidence.cis`. */
  cis?: string;
  path?: string;
  layerIndex?: number;
}

export type ImageCheck = (ctx: CheckContext) => Finding[];
