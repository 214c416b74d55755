/**
 * Test support for the OS catalogers: runs analysers over files the way the layer walker does and
 * builds a CatalogContext over one synthetic layer. Used by the *.test.ts files of this folder only.
 */
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import type { AnalyzerResult, FileAnalyzer } from '../../image/analyzer.js';
import { FileIndex } from '../../image/file-index.js';
import type { FileRecord } from '../../image/walk.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../cataloger.js';
import type { OsRelease } from '../types.js';

export interface TestFile {
  /** Image-root relative. */
  path: string;
  content: Buffer;
}

export async function runAnalyzers(analyzers: readonly FileAnalyzer[], files: readonly TestFile[], warnings: string[] = []): Promise<AnalyzerResult[]> {
  const results: AnalyzerResult[] = [];
  for (const f of files) {
    for (const a of analyzers) {
      if (!a.wants(f.path, { size: f.content.length, mode: 0o644 })) continue;
      if (f.content.length > a.maxBytes) {
        warnings.push(`${f.path}: too large`);
        continue;
      }
      const data = await a.analyze({ path: f.path, content: f.content, size: f.content.length, mode: 0o644, warn: (m) => warnings.push(m) });
      // the walker caches results as JSON: make sure they survive that
      if (data !== undefined) results.push({ analyzer: a.name, path: f.path, layerIndex: 0, data: JSON.parse(JSON.stringify(data)) });
    }
  }
  return results;
}

/** A file record for a host path, typed the way a layer tar would type it. */
export function hostRecord(hostPath: string, imagePath: string): FileRecord | undefined {
  try {
    const st = lstatSync(hostPath);
    const type = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    const record: FileRecord = { path: imagePath, type, mode: st.mode & 0o7777, size: st.size, uid: st.uid, gid: st.gid };
    if (type === 'symlink') record.linkTarget = readlinkSync(hostPath);
    return record;
  } catch {
    return undefined;
  }
}

export function hostFile(hostPath: string, imagePath: string): TestFile {
  return { path: imagePath, content: readFileSync(hostPath) };
}

export async function runCataloger(
  cataloger: Cataloger,
  files: readonly TestFile[],
  opts: { os?: OsRelease; records?: FileRecord[]; warnings?: string[] } = {},
): Promise<CatalogedPackage[]> {
  const warnings = opts.warnings ?? [];
  const results = await runAnalyzers(cataloger.analyzers, files, warnings);
  const records = opts.records ?? [];
  const known = new Set(records.map((r) => r.path));
  for (const f of files) {
    if (!known.has(f.path)) records.push({ path: f.path, type: 'file', mode: 0o644, size: f.content.length, uid: 0, gid: 0 });
  }
  const index = FileIndex.build([{ layerIndex: 0, files: records, whiteouts: [], opaqueDirs: [], results, warnings: [], bytes: 0 }]);
  const ctx: CatalogContext = {
    files: index,
    results: <T>(name: string) => results.filter((r) => r.analyzer === name) as AnalyzerResult<T>[],
    layers: [{ index: 0, digest: 'sha256:test', mediaType: 'application/vnd.oci.image.layer.v1.tar' }],
    location: (path, layerIndex) => ({ path, layerIndex, layerDigest: 'sha256:test' }),
    warn: (m) => warnings.push(m),
  };
  if (opts.os) ctx.os = opts.os;
  return cataloger.catalog(ctx);
}
