import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalyzerResult } from '../../../image/analyzer.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../../cataloger.js';

/**
 * Runs one cataloger over a directory as if it were a one-layer image: every regular file is offered
 * to the analysers (`wants`, then `analyze` with its bytes), then `catalog` assembles the results.
 * Paths are relative to `root` with `prefix` in front, like image paths. Symlinks are not followed,
 * as the layer walker does not follow them either.
 */
export async function catalogDirectory(
  cataloger: Cataloger,
  root: string,
  options: { prefix?: string; only?: (relativePath: string) => boolean } = {},
): Promise<{ packages: CatalogedPackage[]; warnings: string[]; results: AnalyzerResult[] }> {
  const results: AnalyzerResult[] = [];
  const warnings: string[] = [];
  const prefix = options.prefix ?? '';
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const relPath = rel === '' ? n : `${rel}/${n}`;
      const st = lstatSync(join(root, relPath));
      if (st.isDirectory()) {
        await walk(relPath);
        continue;
      }
      if (!st.isFile() || (options.only && !options.only(relPath))) continue;
      const path = prefix + relPath;
      const header = { size: st.size, mode: st.mode };
      for (const analyzer of cataloger.analyzers) {
        if (!analyzer.wants(path, header) || st.size > analyzer.maxBytes) continue;
        const data = await analyzer.analyze({ ...header, path, content: readFileSync(join(root, relPath)), warn: (m) => warnings.push(m) });
        if (data !== undefined) results.push({ analyzer: analyzer.name, path, layerIndex: 0, data: JSON.parse(JSON.stringify(data)) });
      }
    }
  };
  await walk('');
  const ctx = fakeContext(results, warnings);
  const packages = await cataloger.catalog(ctx);
  return { packages, warnings, results };
}

/** A catalog context over analyser results of a single layer 0 (no file index is needed here). */
export function fakeContext(results: AnalyzerResult[], warnings: string[]): CatalogContext {
  return {
    files: undefined as never,
    results: <T>(analyzer: string) => results.filter((r) => r.analyzer === analyzer) as AnalyzerResult<T>[],
    layers: [],
    location: (path, layerIndex) => ({ path, layerIndex }),
    warn: (m) => warnings.push(m),
  };
}

/** Feeds one in-memory file to a cataloger's analysers and catalogs the result. */
export async function catalogFiles(cataloger: Cataloger, files: Record<string, string | Buffer>): Promise<{ packages: CatalogedPackage[]; warnings: string[] }> {
  const results: AnalyzerResult[] = [];
  const warnings: string[] = [];
  for (const [path, body] of Object.entries(files)) {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const header = { size: content.length, mode: 0o644 };
    for (const analyzer of cataloger.analyzers) {
      if (!analyzer.wants(path, header)) continue;
      const data = await analyzer.analyze({ ...header, path, content, warn: (m) => warnings.push(m) });
      if (data !== undefined) results.push({ analyzer: analyzer.name, path, layerIndex: 0, data });
    }
  }
  return { packages: await cataloger.catalog(fakeContext(results, warnings)), warnings };
}
