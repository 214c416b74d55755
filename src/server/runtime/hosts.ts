/** Hosts that run an agent: created on their first report, refreshed by every later one. */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';
import type { HostBody } from './agent-bodies.js';

type Db = Kysely<StoreSchema>;

export async function upsertHost(db: Db, host: HostBody, now = new Date()): Promise<void> {
  const row = { name: host.name, agent_version: host.agentVersion, last_seen: now.toISOString(), facts: JSON.stringify(host.facts) };
  await db
    .insertInto('hosts')
    .values({ id: host.id, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

export interface HostView {
  id: string;
  name: string;
  agentVersion: string;
  lastSeen: string;
  facts: Record<string, unknown>;
  containers: number;
}

export async function listHosts(db: Db): Promise<HostView[]> {
  const hosts = await db.selectFrom('hosts').selectAll().orderBy('name').orderBy('id').execute();
  const counts = await db.selectFrom('containers').select(['host_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('host_id').execute();
  const byHost = new Map(counts.map((c) => [c.host_id, Number(c.n)]));
  return hosts.map((h) => ({
    id: h.id,
    name: h.name,
    agentVersion: h.agent_version,
    lastSeen: h.last_seen,
    facts: JSON.parse(h.facts) as Record<string, unknown>,
    containers: byHost.get(h.id) ?? 0,
  }));
}
