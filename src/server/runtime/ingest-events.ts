/**
 * Stores a batch of agent events exactly once. (host_id, agent_seq) is unique in runtime_events, so
 * the insert skips rows the server already has (`ON CONFLICT DO NOTHING`, SQLite and PostgreSQL
 * alike): an agent that resends after a lost answer creates no duplicate. The answer acknowledges
 * the highest sequence number up to which every event of the batch is stored, which the agent then
 * deletes from its spool.
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';
import type { EventBatchBody } from './agent-bodies.js';
import { upsertHost } from './hosts.js';

/** Rows per INSERT: far below SQLite's and PostgreSQL's bound on statement parameters. */
const CHUNK = 200;

export interface IngestResult {
  acked: number;
  stored: number;
}

/** ISO 8601 UTC when the text is a time, else the text (kept as sent). */
function normaliseTime(text: string): string {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text;
}

export async function ingestEvents(db: Kysely<StoreSchema>, batch: EventBatchBody, now = new Date()): Promise<IngestResult> {
  await upsertHost(db, batch.host, now);
  const events = [...batch.events].sort((a, b) => a.seq - b.seq);
  if (events.length === 0) return { acked: 0, stored: 0 };
  let stored = 0;
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < events.length; i += CHUNK) {
      const rows = events.slice(i, i + CHUNK).map(({ seq, event }) => ({
        host_id: batch.host.id,
        agent_seq: seq,
        time: normaliseTime(event.time),
        type: event.type,
        severity: event.severity,
        container_id: event.container.id,
        container_name: event.container.name,
        action: event.action,
        event: JSON.stringify(event),
      }));
      const result = await tx
        .insertInto('runtime_events')
        .values(rows)
        .onConflict((oc) => oc.columns(['host_id', 'agent_seq']).doNothing())
        .executeTakeFirst();
      stored += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
  });
  // read back what is stored in the batch's range: the acknowledgement never claims more than that
  const present = await db
    .selectFrom('runtime_events')
    .select('agent_seq')
    .where('host_id', '=', batch.host.id)
    .where('agent_seq', '>=', events[0]!.seq)
    .where('agent_seq', '<=', events.at(-1)!.seq)
    .execute();
  const have = new Set(present.map((r) => Number(r.agent_seq)));
  let acked = 0;
  for (const { seq } of events) {
    if (!have.has(seq)) break;
    acked = seq;
  }
  return { acked, stored };
}
