import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { BulkheadError } from '../errors.js';
import { silentReporter, type Reporter } from '../progress.js';
import type { AnalyzerResult, FileAnalyzer } from '../image/analyzer.js';
import { FileIndex } from '../image/file-index.js';
import { analyzerSetKey, defaultCacheDir, LayerCache, type LayerAnalysisCache } from '../image/layer-cache.js';
import { openImage } from '../image/open.js';
import { formatReference, parseReference } from '../image/reference.js';
import type { ImageSource, LayerRef } from '../image/types.js';
import { analyzeLayer, type LayerAnalysis } from '../image/walk.js';
import { decodeSbom } from '../sbom/index.js';
import type { AnalyzeOptions, ImageAnalysis, ImageFacts } from './analysis.js';
import type { CatalogContext, CatalogedPackage } from './cataloger.js';
import { selectCatalogers } from './catalogers.js';
import { detectOs, osReleaseAnalyzer, passwdAnalyzer, type PasswdData } from './os/index.js';
import { analyzersFor, planOf, type AnalyzerPlan } from './analyzer-set.js';
import { loadExtraAnalyzers } from './extra-analyzers.js';
import { markOwnedPackages } from './ownership.js';
import { assignIds } from './package-ids.js';
import { layerPool, WorkerFailure } from './layer-pool.js';

async function analyzeInWorker(
  source: ImageSource,
  layer: LayerRef,
  slots: number,
  plan: AnalyzerPlan,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<LayerAnalysis> {
  const task = reporter.task(`analyse layer ${layer.index + 1}/${source.layers.length}`, layer.size);
  const raw = await source.rawLayer!(layer, signal);
  const analysis = await layerPool.analyze(raw, layer, slots, plan, reporter, signal);
  task.done();
  return analysis;
}

/**
 * Analyses an image: every layer is streamed once (in parallel, cached by digest), the final file
 * system is assembled without extraction, and each cataloger turns the surviving files into packages.
 */
export async function analyzeImage(reference: string, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const ref = parseReference(reference);
  if (ref.transport === 'sbom') return analyzeSbomFile(ref.path);
  const reporter = options.reporter ?? silentReporter;
  // local archives use a worker per core, registries one fewer (see layer-pool.ts)
  if (options.workers !== false && ref.transport !== 'dir') layerPool.warm(layerPool.slotsFor(ref.transport !== 'registry'));
  const resolving = reporter.task('resolve');
  const source = await openImage(ref, options);
  resolving.done();
  try {
    return await analyzeSource(source, options);
  } finally {
    await source.close();
  }
}

export async function analyzeSource(source: ImageSource, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const reporter = options.reporter ?? silentReporter;
  const catalogers = selectCatalogers(options.catalogers);
  await loadExtraAnalyzers(options.extraAnalyzers);
  const analyzers = analyzersFor(planOf(options));
  const cache: LayerAnalysisCache | undefined = !source.cacheable
    ? undefined
    : options.layerCache
      ? options.layerCache(analyzerSetKey(analyzers))
      : options.cacheDir !== false
        ? new LayerCache(options.cacheDir ?? defaultCacheDir(), analyzers)
        : undefined;
  const layers = await analyzeLayers(source, analyzers, cache, reporter, options);

  const files = FileIndex.build(layers);
  const visible = new Map<string, AnalyzerResult[]>();
  for (const layer of layers) {
    for (const r of layer.results) {
      if (!files.isVisible(r)) continue;
      const list = visible.get(r.analyzer);
      if (list) list.push(r);
      else visible.set(r.analyzer, [r]);
    }
  }
  const warnings = layers.flatMap((l) => l.warnings);
  const os = detectOs(visible.get(osReleaseAnalyzer.name) ?? []);
  const byIndex = new Map(source.layers.map((l) => [l.index, l]));
  const cataloging = reporter.task('catalog', catalogers.length);
  const found: CatalogedPackage[] = [];
  for (const cataloger of catalogers) {
    const ctx: CatalogContext = {
      files,
      results: <T>(name: string) => (visible.get(name) ?? []) as AnalyzerResult<T>[],
      layers: source.layers,
      location: (path, layerIndex) => {
        const layer = byIndex.get(layerIndex);
        return {
          path,
          layerIndex,
          ...(layer ? { layerDigest: layer.digest } : {}),
          ...(layer?.createdBy ? { layerCreatedBy: layer.createdBy } : {}),
        };
      },
      warn: (m) => {
        warnings.push(`${cataloger.name}: ${m}`);
        reporter.warn(`${cataloger.name}: ${m}`);
      },
    };
    if (os) ctx.os = os;
    found.push(...(await cataloger.catalog(ctx)));
    cataloging.advance(1);
  }
  cataloging.done();
  const packages = assignIds(found);
  markOwnedPackages(packages, files);

  const analysis: ImageAnalysis = { schemaVersion: 1, image: imageFacts(source, layers), packages, warnings, files };
  if (os) analysis.os = os;
  Object.defineProperty(analysis, 'files', { enumerable: false });
  const passwd = visible.get(passwdAnalyzer.name)?.[0]?.data as PasswdData | undefined;
  if (passwd) Object.defineProperty(analysis, 'users', { value: passwd.entries, enumerable: false, writable: true });
  const scannerNames = new Set(analyzers.slice(analyzers.length - (options.extraAnalyzers?.length ?? 0)).map((a) => a.name));
  if (scannerNames.size > 0) {
    const scannerResults = layers.flatMap((l) => l.results.filter((r) => scannerNames.has(r.analyzer)).map((r) => ({ ...r, hidden: !files.isVisible(r) })));
    Object.defineProperty(analysis, 'scannerResults', { value: scannerResults, enumerable: false, writable: true });
  }
  return analysis;
}

async function analyzeLayers(
  source: ImageSource,
  analyzers: FileAnalyzer[],
  cache: LayerAnalysisCache | undefined,
  reporter: Reporter,
  options: AnalyzeOptions,
): Promise<LayerAnalysis[]> {
  // Layer workers do the decompressing, hashing and walking; this thread moves bytes (or nothing,
  // for local files). One layer more than workers is in flight, so none waits for its next layer.
  const enabled = options.workers !== false && source.rawLayer !== undefined;
  const slots = layerPool.slotsFor(source.localLayers === true);
  const workers = { enabled, slots, plan: planOf(options) };
  const concurrency = Math.max(1, options.concurrency ?? (enabled ? slots + 1 : Math.min(4, availableParallelism() + 1)));
  const results: LayerAnalysis[] = new Array(source.layers.length);
  const overall = reporter.task('layers', source.layers.length);
  let next = 0;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const worker = async () => {
    while (next < source.layers.length) {
      const layer = source.layers[next++]!;
      results[layer.index] = await analyzeOne(source, layer, analyzers, cache, reporter, signal, workers);
      overall.advance(1);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, source.layers.length) }, worker));
  } catch (e) {
    controller.abort();
    throw e;
  }
  overall.done();
  return results;
}

async function analyzeOne(
  source: ImageSource,
  layer: LayerRef,
  analyzers: FileAnalyzer[],
  cache: LayerAnalysisCache | undefined,
  reporter: Reporter,
  signal: AbortSignal,
  workers: { enabled: boolean; slots: number; plan: AnalyzerPlan },
): Promise<LayerAnalysis> {
  const cached = await cache?.get(layer.digest, layer.index);
  if (cached) {
    reporter.debug('layer cache hit', { layer: layer.digest });
    return cached;
  }
  let analysis: LayerAnalysis | undefined;
  if (source.rawLayer && workers.enabled && layerPool.available) {
    try {
      analysis = await analyzeInWorker(source, layer, workers.slots, workers.plan, reporter, signal);
    } catch (e) {
      if (!(e instanceof WorkerFailure)) throw e;
      reporter.warn(`${e.message}; analysing layer ${layer.index} on the main thread`);
    }
  }
  analysis ??= await analyzeLayer(source, layer, analyzers, reporter, signal);
  if (cache) {
    await cache.put(layer.digest, analysis).catch((e: unknown) => {
      reporter.warn(`layer cache not written for ${layer.digest}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
  return analysis;
}

function imageFacts(source: ImageSource, layers: LayerAnalysis[]): ImageFacts {
  const config = source.config;
  const facts: ImageFacts = {
    reference: source.reference,
    transport: source.transport,
    labels: config.config?.Labels ?? {},
    layers: source.layers.map((l) => {
      const a = layers[l.index];
      return {
        index: l.index,
        digest: l.digest,
        ...(l.diffId ? { diffId: l.diffId } : {}),
        mediaType: l.mediaType,
        ...(l.size !== undefined ? { size: l.size } : {}),
        ...(l.createdBy ? { createdBy: l.createdBy } : {}),
        files: a?.files.length ?? 0,
        bytes: a?.bytes ?? 0,
      };
    }),
    config,
  };
  if (source.name) facts.name = source.name;
  if (source.manifestDigest) facts.manifestDigest = source.manifestDigest;
  if (source.configDigest) facts.configDigest = source.configDigest;
  if (config.os && config.architecture) {
    facts.platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  }
  if (config.created) facts.created = config.created;
  return facts;
}

/** `sbom:PATH`: the packages come from an existing CycloneDX or SPDX document. */
async function analyzeSbomFile(path: string): Promise<ImageAnalysis> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BulkheadError(code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_INVALID', `${path}: cannot read the SBOM (${code ?? String(e)})`, { input: path, cause: e });
  }
  const decoded = decodeSbom(text, path);
  const image: ImageFacts = { labels: {}, layers: [], ...decoded.image, transport: 'sbom', reference: formatReference({ transport: 'sbom', path }) };
  const analysis: ImageAnalysis = { schemaVersion: 1, image, packages: assignIds(decoded.packages), warnings: [] };
  if (decoded.os) analysis.os = decoded.os;
  return analysis;
}
