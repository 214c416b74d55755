/**
 * Reading stored runtime events: filters by host (id or name), container (id, id prefix or name),
 * type and time, newest first by default, paged with an opaque cursor (the last row's id).
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';

export interface EventFilter {
  host?: string;
  container?: string;
  type?: string;
  /** ISO 8601 or anything Date.parse reads; events at or after it. */
  since?: string;
  until?: string;
  order?: 'asc' | 'desc';
  /** Continue after this row id (from `next`). */
  cursor?: number;
  limit?: number;
}

export interface EventView {
  id: number;
  hostId: string;
  seq: number;
  time: string;
  type: string;
  severity: string;
  container: { id: string; name: string };
  action: string;
  event: Record<string, unknown>;
}

export interface EventPage {
  events: EventView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next: number | null;
}

export const MAX_EVENT_PAGE = 1000;

export async function queryEvents(db: Kysely<StoreSchema>, filter: EventFilter): Promise<EventPage> {
  const limit = Math.min(Math.max(filter.limit ?? 200, 1), MAX_EVENT_PAGE);
  const order = filter.order ?? 'desc';
  let query = db.selectFrom('runtime_events').selectAll();
  if (filter.host) {
    const host = filter.host;
    query = query.where((eb) => eb.or([eb('host_id', '=', host), eb('host_id', 'in', eb.selectFrom('hosts').select('hosts.id').where('hosts.name', '=', host))]));
  }
  if (filter.container) {
    const c = filter.container.replace(/^\//u, '');
    // a hexadecimal prefix of a container id, as `docker ps` shows it; LIKE metacharacters cannot occur in it
    const prefix = /^[0-9a-f]{4,63}$/u.test(c);
    query = query.where((eb) => eb.or([eb('container_id', '=', c), eb('container_name', '=', c), ...(prefix ? [eb('container_id', 'like', `${c}%`)] : [])]));
  }
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.since) query = query.where('time', '>=', filter.since);
  if (filter.until) query = query.where('time', '<', filter.until);
  if (filter.cursor !== undefined) query = query.where('id', order === 'asc' ? '>' : '<', filter.cursor);
  const rows = await query.orderBy('id', order).limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => ({
      id: Number(r.id),
      hostId: r.host_id,
      seq: Number(r.agent_seq),
      time: r.time,
      type: r.type,
      severity: r.severity,
      container: { id: r.container_id, name: r.container_name },
      action: r.action,
      event: JSON.parse(r.event) as Record<string, unknown>,
    })),
    next: rows.length > limit ? Number(page.at(-1)!.id) : null,
  };
}
