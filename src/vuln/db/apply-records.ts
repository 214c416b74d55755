import type DatabaseType from 'better-sqlite3';
import { ecosystemBaseOf, normalizePackageName } from './normalize.js';
import { osvRecordProblem } from './record-check.js';
import { encodeRecord } from './schema.js';
import type { OsvRecord } from './types.js';
import type { ZipMember } from './zip-records.js';

export interface ApplyCounts {
  /** Records of this export now stored (unchanged + added + updated). */
  records: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  withdrawn: number;
  invalid: number;
}

/**
 * Brings the stored records of one export (`source`, an ecosystem) in line with the export's
 * members, inside one transaction on the work copy: records whose `modified` is unchanged are left
 * alone, newer ones replace the stored row, withdrawn ones (OSV schema "withdrawn") and ones gone
 * from the export lose this source, and a record no source lists any more is deleted. Invalid
 * members are counted and named through `warn`, never stored.
 */
export async function applyExport(
  db: DatabaseType.Database,
  source: string,
  label: string,
  members: AsyncIterable<ZipMember>,
  warn: (message: string) => void,
): Promise<ApplyCounts> {
  const s = statements(db);
  const counts: ApplyCounts = { records: 0, added: 0, updated: 0, unchanged: 0, removed: 0, withdrawn: 0, invalid: 0 };
  const withdrawnIds: string[] = [];
  db.exec('DROP TABLE IF EXISTS temp.seen; CREATE TEMP TABLE seen (id TEXT PRIMARY KEY) WITHOUT ROWID');
  const markSeen = db.prepare('INSERT OR IGNORE INTO temp.seen (id) VALUES (?)');
  // A manual transaction: members arrive asynchronously, and nothing else uses this connection.
  db.exec('BEGIN');
  try {
    for await (const member of members) {
      let value: unknown;
      try {
        value = JSON.parse(member.data.toString('utf8'));
      } catch (e) {
        counts.invalid++;
        warn(`${label}: ${member.name}: not valid JSON (${(e as Error).message}); record skipped`);
        continue;
      }
      const problem = osvRecordProblem(value);
      if (problem) {
        counts.invalid++;
        const id = typeof (value as { id?: unknown })?.id === 'string' ? ` (${(value as { id: string }).id})` : '';
        warn(`${label}: ${member.name}${id}: not an OSV record: ${problem}; record skipped`);
        continue;
      }
      const record = value as OsvRecord;
      if (record.withdrawn) {
        counts.withdrawn++;
        withdrawnIds.push(record.id);
        continue;
      }
      if (markSeen.run(record.id).changes === 0) continue; // the same id twice in one export
      s.addSource.run(source, record.id);
      const stored = s.modifiedOf.get(record.id);
      if (stored?.modified === record.modified) {
        counts.unchanged++;
        continue;
      }
      if (stored) {
        deleteRows(s, record.id);
        counts.updated++;
      } else counts.added++;
      insertRecord(s, record);
    }
    // Gone from the export, or withdrawn: drop this source's claim, then orphaned records.
    const gone = db.prepare('SELECT vuln_id FROM record_sources WHERE source = ? AND vuln_id NOT IN (SELECT id FROM temp.seen)').pluck().all(source) as string[];
    for (const id of gone) {
      s.dropSource.run(source, id);
      if (!s.hasSource.get(id)) {
        deleteRows(s, id);
        counts.removed++;
      }
    }
    // A withdrawn record is withdrawn everywhere, whichever export still lists it.
    for (const id of withdrawnIds) {
      if (s.modifiedOf.get(id)) {
        s.dropAllSources.run(id);
        deleteRows(s, id);
        counts.removed++;
      }
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.seen');
  }
  counts.records = counts.added + counts.updated + counts.unchanged;
  return counts;
}

type Statements = ReturnType<typeof statements>;

function statements(db: DatabaseType.Database) {
  return {
    modifiedOf: db.prepare<[string], { modified: string }>('SELECT modified FROM records WHERE id = ?'),
    addSource: db.prepare('INSERT OR IGNORE INTO record_sources (source, vuln_id) VALUES (?, ?)'),
    dropSource: db.prepare('DELETE FROM record_sources WHERE source = ? AND vuln_id = ?'),
    dropAllSources: db.prepare('DELETE FROM record_sources WHERE vuln_id = ?'),
    hasSource: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM record_sources WHERE vuln_id = ? LIMIT 1'),
    insertRecord: db.prepare('INSERT INTO records (id, modified, published, summary, aliases, severity, record) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    insertAffected: db.prepare('INSERT INTO affected (vuln_id, ecosystem, ecosystem_base, name, affected) VALUES (?, ?, ?, ?, ?)'),
    insertAlias: db.prepare('INSERT INTO aliases (owner, a, b) VALUES (?, ?, ?)'),
    deleteRecord: db.prepare('DELETE FROM records WHERE id = ?'),
    deleteAffected: db.prepare('DELETE FROM affected WHERE vuln_id = ?'),
    deleteAliases: db.prepare('DELETE FROM aliases WHERE owner = ?'),
  };
}

function deleteRows(s: Statements, id: string): void {
  s.deleteRecord.run(id);
  s.deleteAffected.run(id);
  s.deleteAliases.run(id);
}

function insertRecord(s: Statements, record: OsvRecord): void {
  s.insertRecord.run(
    record.id,
    record.modified,
    record.published ?? null,
    record.summary ?? null,
    record.aliases?.length ? JSON.stringify(record.aliases) : null,
    record.severity?.length ? JSON.stringify(record.severity) : null,
    encodeRecord(JSON.stringify(record)),
  );
  for (const affected of record.affected ?? []) {
    if (!affected.package) continue; // GIT-only entries name no package to look up
    const base = ecosystemBaseOf(affected.package.ecosystem);
    s.insertAffected.run(record.id, affected.package.ecosystem, base, normalizePackageName(base, affected.package.name), JSON.stringify(affected));
  }
  for (const alias of new Set(record.aliases ?? [])) {
    if (alias === record.id) continue;
    s.insertAlias.run(record.id, record.id, alias);
    s.insertAlias.run(record.id, alias, record.id);
  }
}
