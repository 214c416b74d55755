import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type DatabaseType from 'better-sqlite3';
import { BulkheadError } from '../../errors.js';

/**
 * Replaces the KEV table with CISA's Known Exploited Vulnerabilities catalog
 * (`known_exploited_vulnerabilities.json`, schema https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities_schema.json:
 * `{ catalogVersion, dateReleased, count, vulnerabilities: [{ cveID, dateAdded, dueDate, knownRansomwareCampaignUse, ... }] }`).
 */
export async function loadKev(db: DatabaseType.Database, file: string, label: string): Promise<number> {
  const bad = (reason: string) => new BulkheadError('VULN_SOURCE_CORRUPT', `${label}: not a CISA KEV catalog: ${reason}`, { input: label });
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw bad(`invalid JSON (${(e as Error).message})`);
  }
  const list = (doc as { vulnerabilities?: unknown })?.vulnerabilities;
  if (!Array.isArray(list)) throw bad('no "vulnerabilities" array');
  const insert = db.prepare('INSERT OR REPLACE INTO kev (cve_id, date_added, due_date, known_ransomware) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.exec('DELETE FROM kev');
    for (const [i, v] of list.entries()) {
      const e = v as Record<string, unknown>;
      if (typeof e.cveID !== 'string' || typeof e.dateAdded !== 'string') throw bad(`vulnerabilities[${i}] lacks string "cveID" and "dateAdded"`);
      const ransomware = e.knownRansomwareCampaignUse === 'Known' ? 1 : e.knownRansomwareCampaignUse === 'Unknown' ? 0 : null;
      insert.run(e.cveID, e.dateAdded, typeof e.dueDate === 'string' ? e.dueDate : null, ransomware);
    }
  })();
  return list.length;
}

/**
 * Replaces the EPSS table with FIRST's daily scores (`epss_scores-current.csv.gz`,
 * https://www.first.org/epss/data_stats): a `#model_version:…,score_date:…` comment line, the header
 * `cve,epss,percentile`, then one row per CVE. Streamed: the file has about 250k rows.
 */
export async function loadEpss(db: DatabaseType.Database, file: string, label: string): Promise<{ rows: number; scoreDate?: string; modelVersion?: string }> {
  const bad = (reason: string) => new BulkheadError('VULN_SOURCE_CORRUPT', `${label}: not a FIRST EPSS file: ${reason}`, { input: label });
  const insert = db.prepare('INSERT OR REPLACE INTO epss (cve_id, score, percentile) VALUES (?, ?, ?)');
  const gunzip = createGunzip();
  const lines = createInterface({ input: createReadStream(file).pipe(gunzip), crlfDelay: Infinity });
  let columns: { cve: number; epss: number; percentile: number } | undefined;
  let rows = 0;
  let lineNo = 0;
  let scoreDate: string | undefined;
  let modelVersion: string | undefined;
  db.exec('BEGIN');
  try {
    db.exec('DELETE FROM epss');
    const gunzipFailed = new Promise<never>((_, reject) => gunzip.once('error', (e) => reject(bad(`not gzip or truncated (${e.message})`))));
    const read = (async () => {
      for await (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        if (line.startsWith('#')) {
          for (const part of line.slice(1).split(',')) {
            const [k, ...rest] = part.split(':');
            if (k?.trim() === 'model_version') modelVersion = rest.join(':').trim();
            if (k?.trim() === 'score_date') scoreDate = rest.join(':').trim();
          }
          continue;
        }
        const cells = line.split(',').map((c) => c.trim());
        if (!columns) {
          const at = (n: string) => cells.indexOf(n);
          if (at('cve') < 0 || at('epss') < 0 || at('percentile') < 0) throw bad(`line ${lineNo}: header is not "cve,epss,percentile"`);
          columns = { cve: at('cve'), epss: at('epss'), percentile: at('percentile') };
          continue;
        }
        const score = Number(cells[columns.epss]);
        const percentile = Number(cells[columns.percentile]);
        const cve = cells[columns.cve];
        if (!cve || !Number.isFinite(score) || !Number.isFinite(percentile)) throw bad(`line ${lineNo}: not "CVE,score,percentile"`);
        insert.run(cve, score, percentile);
        rows++;
      }
    })();
    await Promise.race([read, gunzipFailed]);
    if (!columns) throw bad('no header line');
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    lines.close();
    throw e;
  }
  return { rows, ...(scoreDate ? { scoreDate } : {}), ...(modelVersion ? { modelVersion } : {}) };
}
