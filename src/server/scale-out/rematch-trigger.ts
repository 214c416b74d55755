/**
 * The vulnerability database watch of PostgreSQL replicas: the leader notices a new build the way
 * the in-process Rematcher does (file identity, then the build's own stamp, against the settings row
 * `rematch.db_build` the re-match writes when it finishes) and queues one `bulkhead_rematch` job
 * for it, keyed by the build, so N replicas never re-match N times. A worker runs it.
 */
import { sql, type Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { StoreSchema } from '../../store/index.js';
import { buildStamp, fileStamp } from '../rematch/index.js';
import { REMATCH_JOBS, type RematchJobData } from './boss.js';

/** The settings row the Rematcher keeps (src/server/rematch/rematcher.ts). */
export const REMATCH_STAMP_KEY = 'rematch.db_build';

export interface TriggerOptions {
  db: Kysely<StoreSchema>;
  vulnDbPath: string;
  boss: () => Promise<PgBoss>;
}

export class RematchTrigger {
  private lastFile: string | undefined;

  constructor(private readonly options: TriggerOptions) {}

  /** One watch step; returns the queued job's build, if one was queued. */
  async check(): Promise<string | undefined> {
    const file = await fileStamp(this.options.vulnDbPath);
    if (file === undefined || file === this.lastFile) return undefined;
    const build = buildStamp(this.options.vulnDbPath, file);
    this.lastFile = file;
    const { db } = this.options;
    const seen = await db.selectFrom('settings').select('value').where('key', '=', REMATCH_STAMP_KEY).executeTakeFirst();
    if (seen?.value === build) return undefined;
    if (!seen) {
      // first start: stored scans were made with this build; nothing to catch up on
      await db.insertInto('settings').values({ key: REMATCH_STAMP_KEY, value: build }).onConflict((oc) => oc.column('key').doNothing()).execute();
      return undefined;
    }
    // one job per build, even when a new leader repeats this check
    const pending = await sql<{ id: string }>`SELECT id FROM pgboss.job WHERE name = ${REMATCH_JOBS} AND singleton_key = ${build} AND state IN ('created', 'retry', 'active') LIMIT 1`.execute(db);
    if (pending.rows.length) return undefined;
    const data: RematchJobData = { build };
    await (await this.options.boss()).send(REMATCH_JOBS, data, { singletonKey: build });
    return build;
  }
}
