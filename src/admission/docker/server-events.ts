/**
 * `bulkhead authz --server URL --token T`: every decision also reaches the server (issue 9, "every
 * decision is an event ... to the server when configured").
 *
 * The server already stores host events exactly once per (host id, sequence number) through the
 * agent's endpoint (POST /api/v1/agent/events, src/server/runtime/ingest-events.ts) and lists them
 * with GET /api/v1/runtime/events; a decision is sent there as an event of type `admission` (action
 * `allowed` or `denied`), so no new server endpoint is needed. Delivery is the agent's
 * (src/runtime/report): each event is committed to a SQLite spool before it is sent and forgotten only
 * once the server acknowledged it; while the server is unreachable the sender backs off and warns at
 * most once a minute, and the decisions wait on disk (a restarted plugin sends them then).
 */
import { hostname } from 'node:os';
import { silentReporter, type Reporter } from '../../progress.js';
import type { RuntimeEvent } from '../../runtime/events/types.js';
import { backoffDelay, EventSpool, type EventBatch, type EventBatchReply, type HostReport } from '../../runtime/report/index.js';
import { RateLimitedWarning } from '../../runtime/report/rate-limited-warning.js';
import { ServerClient } from '../../runtime/report/server-client.js';
import type { DecisionEvent } from './events.js';

/** The type the decisions are stored under on the server (`GET /api/v1/runtime/events?type=admission`). */
export const ADMISSION_EVENT_TYPE = 'admission';

export interface DecisionSenderOptions {
  url: string;
  token: string;
  /** The SQLite spool file (kept across restarts: it also keeps this plugin's host id). */
  spoolFile: string;
  /** The plugin name, shown with the host on the server. */
  plugin: string;
  reporter?: Reporter;
  batchSize?: number;
  maxBackoffMs?: number;
}

export interface DecisionSender {
  send(event: DecisionEvent): void;
  readonly hostId: string;
  pending(): number;
  /** Stops sending; unsent decisions stay in the spool for the next start. Waits at most `graceMs` for the spool to drain first. */
  close(graceMs?: number): Promise<void>;
}

/** A decision as a host event: the server's event shape (runtime/events/types.ts) with the decision's facts in `details`. */
export function decisionAsEvent(event: DecisionEvent): RuntimeEvent {
  const name = /[?&]name=([^&]*)/u.exec(event.uri)?.[1];
  const details: Record<string, string | number | boolean | string[]> = { source: 'authz', user: event.user, method: event.method, uri: event.uri, allow: event.allow, ms: event.ms };
  if (event.unjudged) details['unjudged'] = event.unjudged;
  if (event.warnings) details['warnings'] = event.warnings;
  if (event.cached) details['cached'] = event.cached;
  return {
    time: event.time,
    type: ADMISSION_EVENT_TYPE as RuntimeEvent['type'],
    // a denial is what an operator looks for; an allowed call is a record only
    severity: event.allow ? 'negligible' : 'high',
    container: { id: '', name: name ? decodeURIComponent(name) : '', image: event.image ?? '', imageDigest: event.digest ?? '' },
    process: { pid: 0, path: '', cmdline: [] },
    action: (event.allow ? 'allowed' : 'denied') as RuntimeEvent['action'],
    reason: event.reason,
    rule: event.rule,
    details,
  };
}

export function startDecisionSender(options: DecisionSenderOptions): DecisionSender {
  const reporter = options.reporter ?? silentReporter;
  const spool = new EventSpool(options.spoolFile);
  const client = new ServerClient(options.url, options.token);
  const trouble = new RateLimitedWarning(reporter);
  const batchSize = options.batchSize ?? 500;
  const host: HostReport = { id: spool.hostId, name: hostname(), agentVersion: 'authz', facts: { component: 'authz', plugin: options.plugin } };
  const abort = new AbortController();
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      const batch = spool.peek(batchSize);
      if (batch.length === 0) {
        await sleep(5_000);
        continue;
      }
      try {
        const reply = await client.call<EventBatchReply>('POST', '/api/v1/agent/events', { host, events: batch } satisfies EventBatch, abort.signal);
        if (typeof reply.acked !== 'number' || reply.acked < batch[0]!.seq) throw new Error(`the server acknowledged none of decisions ${batch[0]!.seq}-${batch.at(-1)!.seq}`);
        spool.acknowledge(Math.min(reply.acked, batch.at(-1)!.seq));
        if (failures > 0) reporter.warn(`server ${client.url}: reachable again; sending the decisions kept meanwhile`);
        failures = 0;
        trouble.reset();
      } catch (e) {
        if (stopped) break;
        trouble.warn(`server ${client.url}: decisions not delivered yet, kept in ${spool.path} and retried (${(e as Error).message}); ${spool.pending()} waiting`);
        await sleep(backoffDelay(failures++, { capMs: options.maxBackoffMs ?? 30_000 }));
      }
    }
  })();

  return {
    hostId: spool.hostId,
    send(event) {
      if (stopped) return;
      try {
        spool.append(decisionAsEvent(event));
      } catch (e) {
        trouble.warn(`decision spool ${spool.path}: decision not kept (${(e as Error).message}); it will not reach the server`);
        return;
      }
      wake?.();
    },
    pending: () => spool.pending(),
    async close(graceMs = 5_000) {
      const deadline = Date.now() + graceMs;
      while (spool.pending() > 0 && Date.now() < deadline) {
        wake?.();
        await new Promise((r) => setTimeout(r, 100));
      }
      stopped = true;
      abort.abort();
      wake?.();
      await loop;
      spool.close();
    },
  };
}
