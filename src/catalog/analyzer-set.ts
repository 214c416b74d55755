import type { FileAnalyzer } from '../image/analyzer.js';
import type { AnalyzeOptions } from './analysis.js';
import { selectCatalogers } from './catalogers.js';
import { buildExtraAnalyzer, type AnalyzerSpec } from './extra-analyzers.js';
import { osReleaseAnalyzer, passwdAnalyzer } from './os/index.js';

/**
 * What to read from each layer: the analysers of the selected catalogers, plus the file scanners
 * (secrets, malware) a scan asked for. Plain JSON: it travels to layer workers, which build the same
 * analysers from it.
 */
export interface AnalyzerPlan {
  catalogers?: string[];
  extra?: AnalyzerSpec[];
}

export function planOf(options: AnalyzeOptions): AnalyzerPlan {
  return {
    ...(options.catalogers ? { catalogers: options.catalogers } : {}),
    ...(options.extraAnalyzers?.length ? { extra: options.extraAnalyzers } : {}),
  };
}

const built = new Map<string, FileAnalyzer[]>();

/** The analysers of a plan; the same list in the main thread and in layer workers (built once per plan). */
export function analyzersFor(plan: AnalyzerPlan = {}): FileAnalyzer[] {
  const key = JSON.stringify(plan);
  let list = built.get(key);
  if (!list) {
    list = [osReleaseAnalyzer, passwdAnalyzer, ...selectCatalogers(plan.catalogers).flatMap((c) => c.analyzers), ...(plan.extra ?? []).map(buildExtraAnalyzer)];
    if (built.size > 8) built.clear();
    built.set(key, list);
  }
  return list;
}
