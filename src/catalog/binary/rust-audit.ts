import { inflateSync } from 'node:zlib';
import { BulkheadError } from '../../errors.js';
import { LIMITS } from '../../image/limits.js';
import { isElf, parseElf, sectionData } from './elf.js';

/**
 * Dependency lists that cargo-auditable embeds in Rust binaries: zlib-compressed JSON in the ELF
 * section `.dep-v0` (cargo-auditable, "Data format": `{"packages": [{name, version, source, kind,
 * dependencies, root}]}`). Binaries built without it hold no reliable list, so nothing is guessed.
 */
export interface RustCrate {
  name: string;
  version: string;
  /** `crates.io`, `local`, `git`, `registry` or another source string. */
  source: string;
  /** `runtime` (the default) or `build` (build scripts and proc-macros only). */
  kind: string;
  root: boolean;
  /** Indexes into the package list. */
  dependencies: number[];
}

export const AUDIT_SECTION = '.dep-v0';

/**
 * Reads the crates of a binary; undefined when it has no `.dep-v0` section. Throws when the section
 * is present but unreadable (the walker turns that into a warning naming the file).
 */
export function readRustAudit(data: Buffer): RustCrate[] | undefined {
  if (!isElf(data)) return undefined;
  const elf = parseElf(data);
  const section = elf && sectionData(elf, data, AUDIT_SECTION);
  if (!section) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(inflateSync(section, { maxOutputLength: LIMITS.maxMetadataBytes }).toString('utf8'));
  } catch (e) {
    throw new BulkheadError('INPUT_INVALID', `${AUDIT_SECTION} section is not zlib-compressed JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const packages = isRecord(json) ? json.packages : undefined;
  if (!Array.isArray(packages)) throw new BulkheadError('INPUT_INVALID', `${AUDIT_SECTION} section has no "packages" list`);
  const out: RustCrate[] = [];
  for (const p of packages) {
    if (!isRecord(p) || typeof p.name !== 'string' || typeof p.version !== 'string') continue;
    out.push({
      name: p.name,
      version: p.version,
      source: typeof p.source === 'string' ? p.source : 'unknown',
      kind: typeof p.kind === 'string' ? p.kind : 'runtime',
      root: p.root === true,
      dependencies: Array.isArray(p.dependencies) ? p.dependencies.filter((d): d is number => Number.isInteger(d)) : [],
    });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
