/**
 * A profile → YAML text. A new file gets block lists (one entry per line, so diffs show what was
 * learned); saving over a file people edited goes through the `yaml` Document API, updating values
 * in place: comments on the document, on keys and on list entries that are still there survive,
 * as does flow or block style.
 */
import { isMap, isNode, isSeq, parseDocument, Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { BehaviourProfile } from './schema.js';

const KEY_ORDER = [
  'apiVersion',
  'kind',
  'image',
  'mode',
  'version',
  'created',
  'updated',
  'learnUntil',
  'afterLearning',
  'response',
  'executables',
  'processes',
  'listening',
  'outbound',
  'writes',
] as const satisfies readonly (keyof BehaviourProfile)[];

/** YAML text of the profile; `previousText` (the file being replaced) keeps its comments and layout. */
export function renderProfile(profile: BehaviourProfile, previousText?: string): string {
  const previous = previousText === undefined ? undefined : parseDocument(previousText, { uniqueKeys: true });
  const document = previous && previous.errors.length === 0 && isMap(previous.contents) ? previous : freshDocument(profile);
  const map = document.contents as YAMLMap;
  for (const [index, key] of KEY_ORDER.entries()) {
    const value = profile[key];
    if (value === undefined) {
      document.delete(key);
      continue;
    }
    const existing = document.get(key, true);
    if (Array.isArray(value)) {
      if (isSeq(existing)) {
        mergeSeq(document, existing, value);
        continue;
      }
    } else if (existing !== undefined) {
      document.set(key, value); // a scalar is replaced in place, keeping its comments
      continue;
    }
    const pair = document.createPair(key, Array.isArray(value) ? newSeq(document, value) : value);
    // a new key goes after the keys that precede it in the usual order
    const before = new Set<string>(KEY_ORDER.slice(0, index));
    let at = 0;
    map.items.forEach((p, i) => {
      if (before.has(String(isNode(p.key) ? (p.key as { value?: unknown }).value : p.key))) at = i + 1;
    });
    map.items.splice(at, 0, pair);
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function freshDocument(profile: BehaviourProfile): Document {
  const document = new Document({});
  document.commentBefore = ` Behaviour profile of image ${profile.image.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu, '?')}: what its containers normally do.\n Edit freely; the agent bumps version on every save and keeps old versions in history/.`;
  return document;
}

/** Entries are compared by value whatever their key order in the file. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Makes `seq` hold `values` in their order, reusing the nodes (and comments) of entries kept. */
function mergeSeq(document: Document, seq: YAMLSeq, values: readonly unknown[]): void {
  const kept = new Map<string, unknown[]>();
  for (const item of seq.items) {
    const key = canonical(isNode(item) ? item.toJSON() : item);
    const list = kept.get(key) ?? [];
    list.push(item);
    kept.set(key, list);
  }
  if (seq.flow && seq.items.length === 0 && values.length > 0) seq.flow = false;
  seq.items = values.map((v) => kept.get(canonical(v))?.shift() ?? newItem(document, v));
}

function newSeq(document: Document, values: readonly unknown[]): YAMLSeq {
  const seq = document.createNode([]) as YAMLSeq;
  seq.flow = values.length === 0;
  seq.items = values.map((v) => newItem(document, v));
  return seq;
}

/** Mappings in lists are written on one line: `- { parent: /bin/sh, child: /usr/bin/env }`. */
function newItem(document: Document, value: unknown): unknown {
  const node = document.createNode(value);
  if (isMap(node)) node.flow = true;
  return node;
}
