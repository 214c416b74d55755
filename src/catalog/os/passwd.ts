import type { FileAnalyzer } from '../../image/analyzer.js';

/** One account of `etc/passwd` (passwd(5): name:password:UID:GID:GECOS:directory:shell). */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** Parses passwd(5) text; malformed lines (and NIS `+`/`-` entries) are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields.length < 4) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (!fields[0] || !/^\d+$/.test(fields[2]!) || !Number.isSafeInteger(uid) || !Number.isSafeInteger(gid)) continue;
    out.push({ name: fields[0], uid, gid });
  }
  return out;
}

export interface PasswdData {
  entries: PasswdEntry[];
}

/**
 * Reads `etc/passwd` during the layer walk, so a USER given by name can be mapped to its UID.
 * The result of the layer whose copy is visible in the final file system is the one to use.
 */
export const passwdAnalyzer: FileAnalyzer<PasswdData> = {
  name: 'etc-passwd',
  version: 1,
  maxBytes: 4 * 1024 * 1024,
  wants: (path) => path === 'etc/passwd',
  analyze: (file) => ({ entries: parsePasswd(file.content.toString('utf8')) }),
};
