import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { AnalyzerSpec, ImageAnalysis, ImageFacts } from '../catalog/index.js';
import { checkImage } from '../config/index.js';
import type { Finding } from '../findings/types.js';
import type { ScannerName } from '../findings/scan-result.js';
import type { AnalyzerResult } from '../image/analyzer.js';
import { MALWARE_ANALYZER_NAME, malwareFindings, type MalwareHit, type MalwareScanOptions } from '../malware/index.js';
import { SECRETS_ANALYZER_NAME, redactImageConfig, scanImageConfig, secretFindings, secretRedactor, type LocatedSecretHit, type SecretHit, type SecretScanOptions } from '../secrets/index.js';

/** What the file scanners need beyond the scanner list. */
export interface ScannerSettings {
  /** Custom secret rules and allowlists (YAML). */
  secretConfig?: string;
  /** Malware signature files: SHA-256 lists, ClamAV .hdb/.hsb/.ndb. */
  malwareSignatures?: string[];
  /** ClamAV daemon to stream candidate files to (`tcp://HOST:PORT`, `unix:PATH`). */
  clamd?: string;
  /** Image configuration check: images older than this many days are reported (default 365). */
  maxImageAgeDays?: number;
}

/** The layer-walk analysers the chosen scanners need, with a digest of their inputs for the layer cache. */
export function scannerAnalyzers(scanners: readonly ScannerName[], settings: ScannerSettings): AnalyzerSpec[] {
  const specs: AnalyzerSpec[] = [];
  if (scanners.includes('secret')) {
    const options: SecretScanOptions = {};
    if (settings.secretConfig) {
      options.configText = readFileSync(settings.secretConfig, 'utf8');
      options.configName = settings.secretConfig;
    }
    specs.push({ kind: 'secrets', options, cacheKey: digest(JSON.stringify(options)) });
  }
  if (scanners.includes('malware')) {
    const options: MalwareScanOptions = { builtin: true };
    if (settings.malwareSignatures?.length) options.signatureFiles = settings.malwareSignatures;
    if (settings.clamd) options.clamd = { address: settings.clamd };
    // signature files are part of the key: new signatures must not reuse old layer verdicts
    const files = (settings.malwareSignatures ?? []).map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`);
    specs.push({ kind: 'malware', options, cacheKey: digest(JSON.stringify(options) + files.join(',')) });
  }
  return specs;
}

/** Findings of the secret, malware and configuration scanners for an analysed image. */
export function scannerFindings(analysis: ImageAnalysis, scanners: readonly ScannerName[], settings: ScannerSettings, now: Date): Finding[] {
  const facts = {
    image: analysis.image.reference,
    ...(analysis.image.manifestDigest ?? analysis.image.configDigest ? { imageDigest: (analysis.image.manifestDigest ?? analysis.image.configDigest)! } : {}),
  };
  const layers = new Map(analysis.image.layers.map((l) => [l.index, l]));
  const results = analysis.scannerResults ?? [];
  const out: Finding[] = [];
  if (scanners.includes('secret')) {
    const located: LocatedSecretHit[] = [];
    for (const r of results) {
      if (r.analyzer !== SECRETS_ANALYZER_NAME) continue;
      const layer = layers.get(r.layerIndex);
      for (const hit of r.data as SecretHit[]) {
        located.push({
          hit,
          path: r.path,
          layerIndex: r.layerIndex,
          ...(layer?.digest ? { layerDigest: layer.digest } : {}),
          ...(layer?.createdBy ? { layerCreatedBy: layer.createdBy } : {}),
          ...(r.hidden ? { deleted: true } : {}),
        });
      }
    }
    if (analysis.image.config) {
      const options: SecretScanOptions = settings.secretConfig ? { configText: readFileSync(settings.secretConfig, 'utf8'), configName: settings.secretConfig } : {};
      for (const hit of scanImageConfig(analysis.image.config, options)) located.push({ hit });
    }
    out.push(...secretFindings(located, facts));
  }
  if (scanners.includes('malware')) {
    const hits = results.filter((r) => r.analyzer === MALWARE_ANALYZER_NAME) as unknown as AnalyzerResult<MalwareHit[]>[];
    out.push(...malwareFindings(hits, analysis.image));
  }
  // image configuration checks judge an image's config and layers: a root file system (dir:) or an
  // SBOM has neither
  if (scanners.includes('config') && analysis.image.transport !== 'sbom' && analysis.image.transport !== 'dir') {
    out.push(...checkImage(analysis, { now, ...(settings.maxImageAgeDays !== undefined ? { maxAgeDays: settings.maxImageAgeDays } : {}) }));
  }
  return out;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The image facts with every secret the rules find in the configuration, history and layer commands
 * redacted, and the same for the findings' layer commands: what reports may show.
 */
export function redactScanSubject(image: ImageFacts, findings: Finding[], settings: ScannerSettings): ImageFacts {
  const options: SecretScanOptions = settings.secretConfig ? { configText: readFileSync(settings.secretConfig, 'utf8'), configName: settings.secretConfig } : {};
  const redact = secretRedactor(options);
  for (const f of findings) if (f.target.layerCreatedBy) f.target.layerCreatedBy = redact(f.target.layerCreatedBy);
  return {
    ...image,
    labels: Object.fromEntries(Object.entries(image.labels).map(([k, v]) => [k, redact(`${k}=${v}`).slice(k.length + 1)])),
    layers: image.layers.map((l) => (l.createdBy ? { ...l, createdBy: redact(l.createdBy) } : l)),
    ...(image.config ? { config: redactImageConfig(image.config, redact) } : {}),
  };
}
