/**
 * `bulkhead agent --server URL --token T`: the agent's events, host and containers reach the server.
 *
 * Events: the sink commits each event to the spool (spool.ts) and wakes the sender, which posts the
 * oldest unacknowledged events in batches (up to 500) to POST /api/v1/agent/events and forgets only
 * what the server acknowledged. A resend after a lost answer is harmless: the server keys events on
 * (host id, sequence number). While the server is unreachable the sender backs off (backoff.ts, at
 * most 30 s) and warns at most once a minute; events keep accumulating on disk meanwhile.
 *
 * Inventory and commands: at start and every 30 s the reporter posts the container inventory and
 * fetches pending profile-mode changes, applies each through `onProfileMode` and acknowledges those
 * that were applied (a failed one stays pending and is retried next round).
 */
import { join } from 'node:path';
import { silentReporter, type Reporter } from '../../progress.js';
import type { RuntimeEvent } from '../events/types.js';
import type { ContainerFact } from '../inventory/index.js';
import type { ProfileMode } from '../profiles/index.js';
import type { EventSink } from '../sinks/types.js';
import { backoffDelay } from './backoff.js';
import type { CommandsAck, CommandsReply, EventBatch, EventBatchReply, HostReport } from './protocol.js';
import { RateLimitedWarning } from './rate-limited-warning.js';
import { ServerClient } from './server-client.js';
import { EventSpool } from './spool.js';

export const SPOOL_FILE = 'server-spool.db';

export interface ServerReporterOptions {
  /** The server's base URL (`https://bulkhead.example:8443`). */
  url: string;
  /** An API token of a user with the operator role (one per agent). */
  token: string;
  /** The agent's state folder; the spool is `server-spool.db` in it. */
  spoolDir: string;
  hostName: string;
  agentVersion?: string;
  /** Host facts shown on the server (kernel, Docker version, probe). */
  facts?: Record<string, unknown>;
  reporter?: Reporter;
  /** The containers running now. */
  inventory: () => Promise<ContainerFact[]>;
  /** Applies a profile mode an operator chose on the server. */
  onProfileMode: (image: string, mode: ProfileMode) => Promise<void>;
  /** Events per POST (default 500). */
  batchSize?: number;
  /** Inventory and command poll interval, ms (default 30 s). */
  syncIntervalMs?: number;
  /** Largest retry delay, ms (default 30 s). */
  maxBackoffMs?: number;
  /** Interval between repeated connection warnings, ms (default 60 s). */
  warnIntervalMs?: number;
}

export interface ServerReporter {
  /** Give this to the agent with its other sinks. */
  sink: EventSink;
  readonly hostId: string;
  /** Events not yet acknowledged by the server. */
  pending(): number;
  /** Resolves once the spool is empty (or rejects after `timeoutMs`). */
  drained(timeoutMs?: number): Promise<void>;
  /** Sends the inventory and applies pending commands now. */
  syncNow(): Promise<void>;
  /** The server moved: later calls (and the retry waiting now) go to `url`. */
  setUrl(url: string): void;
  /** Stops both loops and closes the spool; unsent events stay in it for the next start. */
  stop(): Promise<void>;
}

/** A sleep that `wake()` ends early. */
class Waiter {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeUp = undefined;
        self.woken = false;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }
}

export function startServerReporter(options: ServerReporterOptions): ServerReporter {
  const reporter = options.reporter ?? silentReporter;
  const spool = new EventSpool(join(options.spoolDir, SPOOL_FILE));
  const client = new ServerClient(options.url, options.token);
  const batchSize = options.batchSize ?? 500;
  const syncIntervalMs = options.syncIntervalMs ?? 30_000;
  const warnInterval = options.warnIntervalMs ?? 60_000;
  const sendTrouble = new RateLimitedWarning(reporter, warnInterval);
  const syncTrouble = new RateLimitedWarning(reporter, warnInterval);
  const host: HostReport = { id: spool.hostId, name: options.hostName, agentVersion: options.agentVersion ?? 'unknown', facts: options.facts ?? {} };
  const abort = new AbortController();
  const senderWait = new Waiter();
  const syncWait = new Waiter();
  let stopped = false;
  let drainWaiters: Array<() => void> = [];

  const notifyIfDrained = (): void => {
    if (spool.pending() > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const w of waiters) w();
  };

  const sendLoop = async (): Promise<void> => {
    let failures = 0;
    while (!stopped) {
      const batch = spool.peek(batchSize);
      if (batch.length === 0) {
        notifyIfDrained();
        await senderWait.sleep(5_000);
        continue;
      }
      try {
        const body: EventBatch = { host, events: batch };
        const reply = await client.call<EventBatchReply>('POST', '/api/v1/agent/events', body, abort.signal);
        if (stopped) break;
        if (typeof reply.acked !== 'number' || reply.acked < batch[0]!.seq) throw new Error(`the server acknowledged none of events ${batch[0]!.seq}-${batch.at(-1)!.seq}`);
        spool.acknowledge(Math.min(reply.acked, batch.at(-1)!.seq));
        if (failures > 0) reporter.warn(`server ${client.url}: reachable again; sending the ${spool.pending() + batch.length} event(s) kept meanwhile`);
        failures = 0;
        sendTrouble.reset();
      } catch (e) {
        if (stopped) break;
        sendTrouble.warn(`server ${client.url}: events not delivered yet, kept on disk and retried (${(e as Error).message}); ${spool.pending()} waiting`, {
          pending: spool.pending(),
        });
        await senderWait.sleep(backoffDelay(failures++, { capMs: options.maxBackoffMs ?? 30_000 }));
      }
    }
  };

  const applyCommands = async (): Promise<void> => {
    const reply = await client.call<CommandsReply>('GET', `/api/v1/agent/commands?host=${encodeURIComponent(host.id)}`, undefined, abort.signal);
    const applied: CommandsAck['applied'] = [];
    for (const command of reply.profileModes ?? []) {
      try {
        await options.onProfileMode(command.image, command.mode);
        applied.push({ image: command.image, mode: command.mode, requestedAt: command.requestedAt });
      } catch (e) {
        syncTrouble.warn(`profile ${command.image}: could not switch to ${command.mode} mode (${(e as Error).message}); retried at the next poll`);
      }
    }
    if (applied.length > 0) await client.call('POST', '/api/v1/agent/commands/ack', { host: host.id, applied } satisfies CommandsAck, abort.signal);
  };

  let syncing: Promise<void> | undefined;
  const syncOnce = (): Promise<void> =>
    (syncing ??= (async () => {
      try {
        const containers = await options.inventory();
        await client.call('POST', '/api/v1/agent/inventory', { host, containers }, abort.signal);
        await applyCommands();
        syncTrouble.reset();
      } catch (e) {
        if (!stopped) syncTrouble.warn(`server ${client.url}: inventory and commands not synchronised (${(e as Error).message})`);
      } finally {
        syncing = undefined;
      }
    })());

  const syncLoop = async (): Promise<void> => {
    while (!stopped) {
      await syncOnce();
      if (!stopped) await syncWait.sleep(syncIntervalMs);
    }
  };

  const sending = sendLoop();
  const synchronising = syncLoop();

  const sink: EventSink = {
    write(event: RuntimeEvent): void {
      if (stopped) return;
      try {
        spool.append(event);
      } catch (e) {
        // the disk refused the event (full, read-only): the one case an event is lost, so say so
        sendTrouble.warn(`server spool ${spool.path}: event not kept (${(e as Error).message}); it will not reach the server`);
        return;
      }
      senderWait.wake();
    },
    // append is synchronous and fsync'd: everything written is already on disk
    flush: async () => {},
    close: () => stop(),
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopped = true;
      abort.abort();
      senderWait.wake();
      syncWait.wake();
      await Promise.allSettled([sending, synchronising]);
      spool.close();
      for (const w of drainWaiters) w();
      drainWaiters = [];
    })());

  return {
    sink,
    hostId: host.id,
    pending: () => spool.pending(),
    drained: (timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (spool.pending() === 0) return resolve();
        const timer = setTimeout(() => reject(new Error(`${spool.pending()} event(s) still unacknowledged after ${timeoutMs} ms`)), timeoutMs);
        drainWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        senderWait.wake();
      }),
    syncNow: syncOnce,
    setUrl: (url: string) => {
      client.setUrl(url);
      senderWait.wake();
      syncWait.wake();
    },
    stop,
  };
}
