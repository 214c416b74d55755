import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

/** A path into a manifest object: map keys and sequence indexes. */
export type FieldPath = (string | number)[];

/** 1-based position of a field in its file. */
export interface Position {
  line: number;
  column: number;
}

/** One Kubernetes object from a file, with a way back to where each of its fields was written. */
export interface Manifest {
  file: string;
  /** The object as plain data. */
  object: Record<string, unknown>;
  /** Index of the YAML document in the file (0-based). */
  documentIndex: number;
  /** Helm `# Source: chart/templates/x.yaml` comment above the document, when rendered by Helm. */
  helmSource?: string;
  /** Position of the field at `path` (relative to `object`), or of its nearest written ancestor. */
  locate(path: FieldPath): Position;
}

export interface ParsedManifests {
  manifests: Manifest[];
  warnings: string[];
}

/**
 * Reads every Kubernetes object from one file: multi-document YAML (`---` separated, as `helm
 * template` prints it with a `# Source:` comment per document), JSON (a YAML 1.2 subset, so one
 * parser serves both), and `kind: List` (and `*List`) objects whose `items` are expanded.
 * Documents that are not objects with `apiVersion` and `kind` are skipped silently (values files,
 * other YAML); YAML syntax errors become warnings naming file:line.
 */
export function parseManifests(file: string, text: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const manifests: Manifest[] = [];
  const warnings: string[] = [];
  // parseAllDocuments returns an EmptyStream (not an array) for an empty file
  if (!Array.isArray(docs)) return { manifests, warnings };
  docs.forEach((doc, documentIndex) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = lineCounter.linePos(e.pos[0]);
      warnings.push(`${file}:${pos.line}: YAML document ${documentIndex + 1} skipped (${e.code}: ${e.message.split('\n')[0]})`);
      return;
    }
    let object: unknown;
    try {
      object = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      warnings.push(`${file}: YAML document ${documentIndex + 1} skipped (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    if (!isObject(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') return;
    const helmSource = helmSourceOf(doc);
    const locateIn = (prefix: FieldPath) => (path: FieldPath) => positionOf(doc, [...prefix, ...path], lineCounter);
    const base = { file, documentIndex, ...(helmSource ? { helmSource } : {}) };
    // core/v1 List and typed lists (PodList, DeploymentList...) carry their objects in `items`
    if (object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item, i) => {
        if (isObject(item) && typeof item.kind === 'string') manifests.push({ ...base, object: item, locate: locateIn(['items', i]) });
      });
      return;
    }
    manifests.push({ ...base, object, locate: locateIn([]) });
  });
  return { manifests, warnings };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Helm writes `# Source: <chart>/templates/<file>` as the first comment of each rendered document. */
function helmSourceOf(doc: Document): string | undefined {
  const comments = [doc.commentBefore, doc.contents && 'commentBefore' in doc.contents ? doc.contents.commentBefore : undefined];
  for (const c of comments) {
    const m = c ? /^\s*Source:\s*(\S.*)$/m.exec(c) : null;
    if (m) return m[1]!.trim();
  }
  return undefined;
}

/**
 * Walks the document's node tree along `path`. The position is the key of the last map entry
 * reached (so `privileged: true` points at `privileged`), or the sequence item, or the deepest
 * node that exists when the path goes further than the document (a missing field is reported
 * where it should have been written: its parent).
 */
function positionOf(doc: Document, path: FieldPath, lineCounter: LineCounter): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
