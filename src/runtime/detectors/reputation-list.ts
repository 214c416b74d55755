/**
 * IP reputation lists: files of bad addresses the `bad-ip` detector checks connections against.
 *
 * Formats, recognised line by line so one loader reads them all:
 * - FireHOL netset/ipset (github.com/firehol/blocklist-ipsets): `#` comment lines, one address or
 *   CIDR block per line (`1.10.16.0/20`, `5.188.10.179`).
 * - Spamhaus DROP/EDROP text (spamhaus.org/drop/drop.txt): `;` comment lines, `CIDR ; SBLnnn` lines.
 * - Spamhaus DROP JSON lines (drop_v4.json, drop_v6.json): one `{"cidr":…,"sblid":…,"rir":…}` object
 *   a line, and a `{"type":"metadata",…}` line that carries no block.
 * A line that is none of these is an error naming FILE:LINE, never silently skipped: a list that
 * half-loads would quietly stop protecting.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { IpSet } from './ip-set.js';

export interface ReputationMatch {
  /** The list's file name (`firehol_level1.netset`). */
  list: string;
  /** The block as written in the list (`1.10.16.0/20`). */
  entry: string;
  /** The list's note on the block, e.g. the Spamhaus SBL id. */
  comment?: string;
}

export interface ReputationSet {
  lookup(address: string): ReputationMatch | undefined;
  has(address: string): boolean;
}

export interface LoadedReputationLists {
  set: ReputationSet;
  /** Blocks loaded over all lists. */
  count: number;
}

interface ListLine {
  cidr: string;
  comment?: string;
}

/** One line's block, undefined for blank, comment and metadata lines; throws a reason string. */
function parseLine(raw: string): ListLine | undefined {
  const line = raw.trim();
  if (line === '' || line.startsWith('#') || line.startsWith(';')) return undefined;
  if (line.startsWith('{')) {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new Error('not a JSON object');
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('not a JSON object');
    const fields = record as Record<string, unknown>;
    if (fields['type'] === 'metadata') return undefined;
    if (typeof fields['cidr'] !== 'string') throw new Error('JSON line without a "cidr" string');
    const sblid = fields['sblid'];
    return typeof sblid === 'string' && sblid !== '' ? { cidr: fields['cidr'], comment: sblid } : { cidr: fields['cidr'] };
  }
  // `CIDR ; comment` (Spamhaus) or `CIDR # comment`; the block itself is one field.
  const cut = line.search(/[;#]/u);
  const block = (cut < 0 ? line : line.slice(0, cut)).trim();
  const comment = cut < 0 ? '' : line.slice(cut + 1).trim();
  if (/\s/u.test(block)) throw new Error(`expected one address or CIDR block, found "${block}"`);
  return comment === '' ? { cidr: block } : { cidr: block, comment };
}

/** Adds one list's text to the set; returns the number of blocks. Exported for tests of the parser. */
export function addReputationText(set: IpSet<ReputationMatch>, text: string, file: string): number {
  const list = basename(file);
  let count = 0;
  const lines = text.split(/\r?\n/u);
  for (let i = 0; i < lines.length; i++) {
    let parsed: ListLine | undefined;
    try {
      parsed = parseLine(lines[i]!);
      if (parsed === undefined) continue;
      const match: ReputationMatch = { list, entry: parsed.cidr };
      if (parsed.comment !== undefined) match.comment = parsed.comment;
      set.add(parsed.cidr, match);
    } catch (e) {
      const reason = e instanceof BulkheadError || e instanceof Error ? e.message : String(e);
      throw new BulkheadError('INPUT_INVALID', `${file}:${i + 1}: ${reason}`, { input: file, cause: e });
    }
    count++;
  }
  return count;
}

/** Reads the reputation lists named in the runtime config into one set. */
export async function loadReputationLists(paths: readonly string[]): Promise<LoadedReputationLists> {
  const set = new IpSet<ReputationMatch>();
  let count = 0;
  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_INVALID';
      throw new BulkheadError(code, `${file}: cannot read the reputation list: ${(e as Error).message}`, { input: file, cause: e });
    }
    count += addReputationText(set, text, file);
  }
  return {
    set: { lookup: (address) => set.lookup(address)?.value, has: (address) => set.has(address) },
    count,
  };
}
