import type { CatalogContext, CatalogedPackage, Cataloger } from '../cataloger.js';
import { dirName, joinInImage, toCataloged, type FoundPackage } from './common.js';
import { PYTHON_LOCKFILE, pythonLockfileAnalyzer } from './python-lockfiles.js';
import { PYTHON_FILES, PYTHON_METADATA, pythonFilesAnalyzer, pythonMetadataAnalyzer } from './python-metadata.js';

/**
 * Python distributions: installed ones from their metadata files (with the files they installed),
 * then lockfile pins. The purl name is normalised by packageurl-js as PURL-TYPES "pypi" asks
 * (lowercase, `_` → `-`); the package name stays as the metadata spells it.
 */
export const pythonCataloger: Cataloger = {
  name: 'python',
  analyzers: [pythonMetadataAnalyzer, pythonFilesAnalyzer, pythonLockfileAnalyzer],
  catalog(ctx: CatalogContext): CatalogedPackage[] {
    const out: CatalogedPackage[] = [];
    const fileLists = new Map<string, string[]>();
    for (const r of ctx.results<{ files: string[] }>(PYTHON_FILES)) {
      const folder = dirName(r.path);
      // RECORD paths are relative to the folder holding the .dist-info; installed-files.txt to the .egg-info
      const base = r.path.endsWith('/RECORD') ? dirName(folder) : folder;
      fileLists.set(folder, r.data.files.map((f) => joinInImage(base, f)));
    }
    for (const r of ctx.results<FoundPackage>(PYTHON_METADATA)) {
      const pkg = toCataloged(ctx, r, r.data, 'pypi', 'python', { name: pep503(r.data.name) });
      if (!pkg) continue;
      const files = r.path.endsWith('.egg-info') ? undefined : fileLists.get(dirName(r.path));
      if (files) pkg.files = files;
      out.push(pkg);
    }
    for (const r of ctx.results<{ packages: FoundPackage[] }>(PYTHON_LOCKFILE)) {
      for (const found of r.data.packages) {
        const pkg = toCataloged(ctx, r, found, 'pypi', 'python-lockfile', { name: pep503(found.name) });
        if (pkg) out.push(pkg);
      }
    }
    return out;
  },
};

/** PEP 503 "Normalized Names": lowercase, runs of `-`, `_`, `.` become one `-`. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
