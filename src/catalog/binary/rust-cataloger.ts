import type { FileAnalyzer } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogedPackage, Cataloger } from '../cataloger.js';
import { wantsExecutable } from './executable.js';
import { purlOf } from './purl.js';
import { readRustAudit, type RustCrate } from './rust-audit.js';

export const RUST_BINARY = 'rust-binary';

interface RustBinaryData {
  crates: RustCrate[];
}

const rustBinaryAnalyzer: FileAnalyzer<RustBinaryData> = {
  name: RUST_BINARY,
  version: 1,
  maxBytes: LIMITS.maxBinaryBytes,
  wants: wantsExecutable,
  analyze(file) {
    const crates = readRustAudit(file.content);
    return crates && crates.length > 0 ? { crates } : undefined;
  },
};

/** Crates compiled into Rust programs built with cargo-auditable. */
export const rustBinaryCataloger: Cataloger = {
  name: RUST_BINARY,
  analyzers: [rustBinaryAnalyzer],
  catalog(ctx) {
    const out: CatalogedPackage[] = [];
    for (const r of ctx.results<RustBinaryData>(RUST_BINARY)) {
      const location = ctx.location(r.path, r.layerIndex);
      for (const c of r.data.crates) {
        const metadata: Record<string, string> = { source: c.source, kind: c.kind };
        if (c.root) metadata.root = 'true';
        out.push({
          name: c.name,
          version: c.version,
          type: 'cargo',
          purl: purlOf('cargo', undefined, c.name, c.version) ?? `pkg:cargo/${encodeURIComponent(c.name)}`,
          cataloger: RUST_BINARY,
          locations: [location],
          metadata,
        });
      }
    }
    return out;
  },
};
