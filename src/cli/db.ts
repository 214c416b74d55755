import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { DEFAULT_ECOSYSTEMS, DEFAULT_SOURCE, defaultDbPath } from '../vuln/db/paths.js';
import type { DbStatus } from '../vuln/db/index.js';

/** The database code (SQLite, zip reading) is loaded when a subcommand runs, not at start-up. */
const vulnDb = () => import('../vuln/db/index.js');
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

type StatusFormat = 'table' | 'json';

/** `bulkhead db`: download, inspect and move the vulnerability database. */
export function dbCommand(ctx: CliContext): Command {
  const db = new Command('db')
    .summary('manage the vulnerability database')
    .description('Downloads OSV advisories (plus CISA KEV and FIRST EPSS when the source has them) into one SQLite file,\nshows its state, and moves it to offline machines as a checksummed bundle.');
  const dbOption = () => new Option('--db <path>', 'database file').default(defaultDbPath(), '$XDG_CACHE_HOME/bulkhead/vuln.db');

  db.addCommand(
    new Command('update')
      .summary('download or refresh the database')
      .description(
        'Fetches <source>/<Ecosystem>/all.zip for each ecosystem (only what changed since the last run), and\n' +
          '<source>/known_exploited_vulnerabilities.json and <source>/epss_scores-current.csv.gz when present.\n' +
          'The previous database stays in use until the new one is complete and verified.',
      )
      .option('--source <url>', 'OSV export mirror: http(s) URL, file:// URL or directory', DEFAULT_SOURCE)
      .option('--ecosystems <list>', `comma-separated OSV ecosystems (default: those a local source holds, else ${DEFAULT_ECOSYSTEMS.join(',')})`)
      .addOption(dbOption())
      .action(async (flags: { source: string; ecosystems?: string; db: string }) => {
        const ecosystems = flags.ecosystems?.split(',').map((e) => e.trim()).filter(Boolean);
        if (ecosystems && !ecosystems.length) throw new BulkheadError('USAGE', '--ecosystems: empty list');
        const reporter = ctx.reporter();
        const { updateVulnDb } = await vulnDb();
        const result = await updateVulnDb({ dbPath: flags.db, source: flags.source, ...(ecosystems ? { ecosystems } : {}), reporter });
        reporter.stop();
        const lines = result.ecosystems.map((e) => {
          const c = e.counts;
          const detail = c ? `${c.records} records (+${c.added} ~${c.updated} -${c.removed}, ${c.withdrawn} withdrawn, ${c.invalid} invalid)` : '';
          return `${e.ecosystem.padEnd(12)} ${e.state.padEnd(12)} ${detail}`.trimEnd();
        });
        for (const [name, feed] of [['KEV', result.kev], ['EPSS', result.epss]] as const) {
          if (feed.state !== 'not-found') lines.push(`${name.padEnd(12)} ${feed.state.padEnd(12)} ${feed.records !== undefined ? `${feed.records} entries` : ''}`.trimEnd());
        }
        lines.push(result.changed ? `${result.path}: updated` : `${result.path}: already up to date`);
        await writeOutput(lines.join('\n') + '\n', undefined);
      }),
  );

  db.addCommand(
    new Command('status')
      .summary('show what the database holds and how old it is')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
      .addOption(dbOption())
      .action(async (flags: { format: StatusFormat; db: string }) => {
        const { openVulnDb } = await vulnDb();
        const store = openVulnDb(flags.db);
        let status: DbStatus;
        try {
          status = store.status();
        } finally {
          store.close();
        }
        const ageDays = status.updatedAt ? Math.floor((Date.now() - Date.parse(status.updatedAt)) / 86_400_000) : undefined;
        const text = flags.format === 'json' ? JSON.stringify({ ...status, ageDays }, null, 2) : statusTable(status, ageDays);
        await writeOutput(text + '\n', undefined);
      }),
  );

  db.addCommand(
    new Command('export')
      .summary('write the database to one bundle file for offline machines')
      .argument('<file>', 'bundle to write')
      .addOption(dbOption())
      .action(async (file: string, flags: { db: string }) => {
        const { exportVulnDb } = await vulnDb();
        const manifest = await exportVulnDb(flags.db, file);
        await writeOutput(`${file}: bundle of ${flags.db} (schema ${manifest.schemaVersion}, sha256 ${manifest.sha256})\n`, undefined);
      }),
  );

  db.addCommand(
    new Command('import')
      .summary('install a bundle made by "db export" (checksum and integrity verified)')
      .argument('<file>', 'bundle to read')
      .addOption(dbOption())
      .action(async (file: string, flags: { db: string }) => {
        const { importVulnDb } = await vulnDb();
        const manifest = await importVulnDb(file, flags.db);
        await writeOutput(`${flags.db}: imported from ${file} (created ${manifest.created}, sha256 ${manifest.sha256})\n`, undefined);
      }),
  );
  db.addHelpText(
    'after',
    `
Examples:
  bulkhead db update
  bulkhead db update --ecosystems npm,PyPI --source https://mirror.example/osv
  bulkhead db update --source file:///srv/osv-mirror
  bulkhead db status --format json
  bulkhead db export vulndb.bundle && bulkhead db import vulndb.bundle`,
  );
  for (const sub of db.commands) sub.exitOverride();
  return db;
}

function statusTable(status: DbStatus, ageDays: number | undefined): string {
  const lines = [
    `Path:            ${status.path}`,
    `Schema version:  ${status.schemaVersion}`,
    `Updated at:      ${status.updatedAt ?? 'never'}${ageDays !== undefined ? ` (${ageDays} day${ageDays === 1 ? '' : 's'} ago)` : ''}`,
    `Records:         ${status.records} (${status.withdrawn} withdrawn not stored)`,
    `KEV entries:     ${status.kev}`,
    `EPSS scores:     ${status.epss}`,
    '',
  ];
  const rows = status.sources.map((s) => [s.ecosystem, String(s.records), s.fetchedAt, s.etag ?? '', s.url]);
  const header = ['SOURCE', 'RECORDS', 'FETCHED AT', 'ETAG', 'URL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) lines.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  return lines.join('\n');
}
