import { open } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { BulkheadError } from '../errors.js';

/**
 * Reading the small documents users hand to a scan (ignore files, VEX), and turning what is wrong
 * with them into one line: `FILE:LINE:COL: reason`. Shared by ignore-file.ts and the VEX readers.
 */

/** Deepest nesting of mappings and sequences accepted; real ignore and VEX documents use under 10. */
export const MAX_NESTING = 64;

export function invalid(path: string, message: string): BulkheadError {
  return new BulkheadError('INPUT_INVALID', message, { input: path });
}

/**
 * Reads a UTF-8 text file of at most `maxBytes`. A bigger file is refused before it is buffered;
 * bytes that are not UTF-8 are an error, a leading byte-order mark is dropped.
 */
export async function readCappedText(path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BulkheadError('INPUT_NOT_FOUND', `${path}: no such file`, { input: path, cause: e });
    throw invalid(path, `${path}: cannot read: ${(e as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw invalid(path, `${path}: not a regular file`);
    if (info.size > maxBytes) throw invalid(path, `${path}: file is ${info.size} bytes, over the ${maxBytes}-byte limit`);
    // Read at most maxBytes + 1 whatever stat said: the file may grow while we read it.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw invalid(path, `${path}: file is over the ${maxBytes}-byte limit`);
      if (length === buffer.length) break;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw invalid(path, `${path}: not UTF-8 text`);
    }
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } finally {
    await handle.close();
  }
}

/** A parsed YAML (or JSON) text that can say where a value sits, for error messages. */
export class LocatedDocument {
  readonly document: Document;
  private readonly lines: LineCounter;

  private constructor(document: Document, lines: LineCounter) {
    this.document = document;
    this.lines = lines;
  }

  /**
   * Parses YAML 1.2 (core schema, so `2027-01-31` stays a string) with duplicate keys refused and
   * one document only. Throws `FILE:LINE:COL: reason` for the first syntax error, or for nesting
   * deeper than MAX_NESTING (checked before anything recursive walks the tree).
   */
  static parse(path: string, text: string): LocatedDocument {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
    const first = document.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      let reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/u, '');
      // The parser recurses into flow collections and reports running out of stack as an error.
      if (/call stack/iu.test(reason)) reason = `nested deeper than ${MAX_NESTING} levels`;
      throw invalid(path, pos ? `${path}:${pos.line}:${pos.col}: ${reason}` : `${path}: ${reason}`);
    }
    const located = new LocatedDocument(document, lines);
    located.checkNesting(path);
    return located;
  }

  /** Like `parse`, but never throws: for locating values of a text already parsed as JSON. */
  static tryParse(text: string): LocatedDocument | undefined {
    try {
      const lines = new LineCounter();
      const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
      return new LocatedDocument(document, lines);
    } catch {
      return undefined;
    }
  }

  /** The plain value; an alias bomb (more than 100 alias expansions) is refused. */
  toJS(path: string): unknown {
    try {
      return this.document.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw invalid(path, `${path}: ${(e as Error).message}`);
    }
  }

  /** `line:col` of the value at `path`, of its key `key` when given, or of the nearest ancestor present. */
  position(path: readonly PropertyKey[], key?: string): string {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    for (const part of path) {
      const next = childNode(node, part);
      if (next === undefined) break;
      node = next.value;
      keyNode = next.key;
    }
    if (key !== undefined) {
      const entry = childNode(node, key);
      if (entry?.key) return this.format(entry.key);
    }
    return this.format(node ?? keyNode);
  }

  private format(node: unknown): string {
    const range = (node as YamlNode | undefined)?.range;
    const offset = range ? range[0] : 0;
    const pos = this.lines.linePos(offset);
    return `${pos.line}:${pos.col}`;
  }

  private checkNesting(path: string): void {
    const stack: Array<{ node: unknown; depth: number }> = [{ node: this.document.contents, depth: 1 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      if (!isMap(node) && !isSeq(node)) continue;
      if (depth > MAX_NESTING) throw invalid(path, `${path}:${this.format(node)}: nested deeper than ${MAX_NESTING} levels`);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
        } else stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
}

function childNode(node: unknown, part: PropertyKey): { key?: unknown; value: unknown } | undefined {
  if (isSeq(node) && typeof part === 'number') {
    const value = node.items[part];
    return value === undefined ? undefined : { value };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === String(part)) return { key: pair.key, value: pair.value ?? pair.key };
    }
  }
  return undefined;
}

/** A zod path as people read it: `ignore[2].reason`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * The first schema problem (in document order) as `FILE:LINE:COL: where: reason`, with a count of
 * the others. `data` is the parsed value, to tell a missing key from a wrong one.
 */
export function schemaError(path: string, error: z.ZodError, data: unknown, where: LocatedDocument | undefined): BulkheadError {
  const described = error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const position = where ? where.position(issue.path, keys[0]) : undefined;
    return { position, text: describeIssue(issue, data), unknownKey: keys.length > 0 };
  });
  const order = (p: string | undefined): number[] => (p ? p.split(':').map(Number) : [0, 0]);
  // A misspelt key usually explains the "required" issue it causes, so unknown keys come first.
  described.sort((a, b) => {
    if (a.unknownKey !== b.unknownKey) return a.unknownKey ? -1 : 1;
    const [la, ca] = order(a.position);
    const [lb, cb] = order(b.position);
    return la! - lb! || ca! - cb!;
  });
  const first = described[0]!;
  const more = described.length > 1 ? ` (and ${described.length - 1} more problem${described.length > 2 ? 's' : ''})` : '';
  return invalid(path, `${path}${first.position ? `:${first.position}` : ''}: ${first.text}${more}`);
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const where = formatPath(issue.path);
  const prefix = where === '' ? '' : `${where}: `;
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${prefix}unknown key${issue.keys.length > 1 ? 's' : ''} ${names}`;
  }
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) return `${prefix}required`;
  return `${prefix}${issue.message}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
