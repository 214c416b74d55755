import type { ImageAnalysis } from '../../catalog/analysis.js';
import type { Finding } from '../../findings/types.js';
import { configChecks } from './config-checks.js';
import { fileChecks } from './file-checks.js';
import { historyChecks } from './history-checks.js';
import { redactBuildArgs } from './secret-names.js';
import type { CheckContext, FindingSpec, HistoryStep, ImageCheck, ImageCheckOptions } from './types.js';
import { userChecks } from './user-checks.js';

const ALL_CHECKS: readonly ImageCheck[] = [...userChecks, ...configChecks, ...historyChecks, ...fileChecks];

/**
 * Image misconfiguration checks: the automatable recommendations of the CIS Docker Benchmark,
 * section 4 "Container Images and Build File Configuration" (cited per finding in `evidence.cis`),
 * and the usual image hygiene checks. Pure: reads the analysis (config, history, file index,
 * packages) and never the network or the image bytes.
 */
export function checkImage(analysis: ImageAnalysis, options: ImageCheckOptions = {}): Finding[] {
  const ctx = context(analysis, options);
  return ALL_CHECKS.flatMap((check) => check(ctx)).sort((a, b) => a.id.localeCompare(b.id));
}

function context(analysis: ImageAnalysis, options: ImageCheckOptions): CheckContext {
  const image = analysis.image;
  const imageDigest = image.manifestDigest ?? image.configDigest;
  const layers = new Map(image.layers.map((l) => [l.index, l]));
  return {
    analysis,
    options,
    now: options.now ?? new Date(),
    history: historySteps(analysis),
    finding(spec: FindingSpec): Finding {
      const layer = spec.layerIndex === undefined ? undefined : layers.get(spec.layerIndex);
      const evidence = spec.cis ? { cis: spec.cis, ...spec.evidence } : { ...spec.evidence };
      const f: Finding = {
        id: spec.id,
        kind: 'misconfiguration',
        severity: spec.severity,
        title: spec.title,
        target: {
          image: image.reference,
          ...(imageDigest ? { imageDigest } : {}),
          ...(spec.layerIndex !== undefined ? { layerIndex: spec.layerIndex } : {}),
          ...(layer ? { layerDigest: layer.digest } : {}),
          ...(layer?.createdBy ? { layerCreatedBy: redactBuildArgs(layer.createdBy) } : {}),
          ...(spec.path !== undefined ? { path: spec.path } : {}),
        },
        remediation: spec.remediation,
        evidence,
      };
      if (spec.description) f.description = spec.description;
      return f;
    },
  };
}

/**
 * Pairs history entries with layers: entries marked `empty_layer` made none, the others made the
 * layers in order (OCI image spec, config.md "history"). When the counts disagree (squashed or
 * rewritten images) the pairing is dropped rather than guessed.
 */
function historySteps(analysis: ImageAnalysis): HistoryStep[] {
  const history = analysis.image.config?.history ?? [];
  const producing = history.filter((h) => !h.empty_layer).length;
  const paired = producing === analysis.image.layers.length;
  let next = 0;
  return history.map((h) => {
    const step: HistoryStep = { createdBy: h.created_by ?? '', emptyLayer: h.empty_layer === true };
    if (!h.empty_layer) {
      if (paired) step.layerIndex = analysis.image.layers[next]!.index;
      next++;
    }
    return step;
  });
}
