import { cycloneDxStatements, cycloneDxVexSchema, isCycloneDx } from './vex-cyclonedx.js';
import { invalid, LocatedDocument, MAX_NESTING, readCappedText, schemaError } from './input-document.js';
import { isOpenVex, openVexSchema, openVexStatements } from './vex-openvex.js';

/**
 * VEX input: OpenVEX or CycloneDX VEX documents read into one statement shape, so suppression does
 * not care which format a statement came from.
 */

/** The four VEX statuses (CISA "Minimum Requirements for VEX"; OpenVEX "Status Labels"). */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  format: 'openvex' | 'cyclonedx';
  /** File the statement came from, and its index among the document's statements / vulnerabilities. */
  source: string;
  index: number;
  /** The vulnerability's name and aliases. */
  ids: string[];
  /** Purls of the products and subcomponents the statement is about (empty: it cannot match). */
  products: string[];
  status: VexStatus;
  /** Status as the document spells it (CycloneDX `false_positive`, `resolved_with_pedigree`...). */
  vexStatus: string;
  justification?: string;
  /** Impact statement / analysis detail / action statement. */
  detail?: string;
  /** When the statement was made, ms since epoch (0 when the document gives no time). */
  timestamp: number;
  /** Version ranges the statement names but Bulkhead does not evaluate (CycloneDX `vers:`). */
  unevaluated?: string[];
}

/**
 * Biggest VEX document read. VEX documents are usually small, but CycloneDX VEX may be a whole BOM
 * with its vulnerabilities; 64 MiB holds the largest BOMs we have seen, and JSON.parse is quick.
 */
export const MAX_VEX_BYTES = 64 * 1024 * 1024;

/**
 * Parses a VEX document's text; `path` names it in errors. The format is told by content:
 * `@context` https://openvex.dev/ns... is OpenVEX, `bomFormat: CycloneDX` is CycloneDX.
 * JSON is parsed with JSON.parse (a repeated key keeps its last value, as every JSON reader does);
 * positions for error messages are found afterwards only when there is an error.
 */
export function parseVex(text: string, path: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalid(path, `${path}${jsonErrorPosition(text, e)}: not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const depth = nesting(doc);
  if (depth > MAX_NESTING) throw invalid(path, `${path}: nested deeper than ${MAX_NESTING} levels`);
  if (isOpenVex(doc)) {
    const parsed = openVexSchema.safeParse(doc);
    if (!parsed.success) throw schemaError(path, parsed.error, doc, locate(text));
    return openVexStatements(parsed.data, path);
  }
  if (isCycloneDx(doc)) {
    const parsed = cycloneDxVexSchema.safeParse(doc);
    if (!parsed.success) throw schemaError(path, parsed.error, doc, locate(text));
    return cycloneDxStatements(parsed.data, path);
  }
  throw invalid(path, `${path}: not a VEX document (expected OpenVEX "@context": "https://openvex.dev/ns..." or CycloneDX "bomFormat": "CycloneDX")`);
}

/** Reads and parses a VEX document (at most MAX_VEX_BYTES). */
export async function loadVex(path: string): Promise<VexStatement[]> {
  return parseVex(await readCappedText(path, MAX_VEX_BYTES), path);
}

/** Locating a schema error re-reads the text as YAML (~0.3 s/MiB): worth it for documents people write. */
const MAX_LOCATED_BYTES = 4 * 1024 * 1024;

function locate(text: string): LocatedDocument | undefined {
  return text.length <= MAX_LOCATED_BYTES ? LocatedDocument.tryParse(text) : undefined;
}

/** `:LINE:COL` from V8's "... in JSON at position N", or '' when the message has none. */
function jsonErrorPosition(text: string, e: unknown): string {
  const match = /at position (\d+)/u.exec(e instanceof Error ? e.message : '');
  if (!match) return '';
  const offset = Math.min(Number(match[1]), text.length);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `:${line}:${col}`;
}

/** Depth of nested arrays and objects, walked without recursion; stops counting past the limit. */
function nesting(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_NESTING) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}
