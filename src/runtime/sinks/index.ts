/**
 * Where runtime events go: JSON lines (file or standard output), the local SQLite store, syslog.
 * The agent opens them together with `openSinks` and writes each event once.
 */
import { silentReporter, type Reporter } from '../../progress.js';
import type { RuntimeEvent } from '../events/types.js';
import { openJsonLinesSink } from './json-lines.js';
import { EventStore } from './sqlite-store.js';
import { openSyslogSink, type SyslogSinkOptions } from './syslog.js';
import type { SyslogTarget } from './syslog-target.js';
import type { EventSink } from './types.js';

export type { EventSink } from './types.js';
export { openJsonLinesSink, type JsonLinesOptions } from './json-lines.js';
export { EventStore, type EventQuery, type EventStoreOptions, type TimeBound } from './sqlite-store.js';
export { EVENT_STORE_SCHEMA_VERSION } from './store-schema.js';
export { openSyslogSink, type SyslogSinkOptions } from './syslog.js';
export { parseSyslogTarget, syslogTargetText, type SyslogTarget } from './syslog-target.js';
export { formatSyslogMessage, SYSLOG_FACILITIES, SYSLOG_SEVERITY, type SyslogFacility } from './syslog-format.js';
export { DEFAULT_STATE_DIR, defaultEventStorePath, stateDir } from './paths.js';

export interface SinkOptions {
  /** Append JSON lines to this file. */
  eventsFile?: string;
  /** The SQLite store: a path (opened here) or an open store. */
  store?: string | EventStore;
  /** A syslog URL (`udp://…`, `tcp://…`, `unix:///…`) or a parsed target. */
  syslog?: string | SyslogTarget;
  /** Write JSON lines to standard output. */
  stdout?: boolean;
  reporter?: Reporter;
  syslogOptions?: Omit<SyslogSinkOptions, 'reporter'>;
}

/**
 * Opens every configured sink and returns one that writes to all. If one fails to open, those
 * already opened are closed and the error (a BulkheadError naming the target) is thrown.
 */
export async function openSinks(options: SinkOptions): Promise<EventSink> {
  const reporter = options.reporter ?? silentReporter;
  const sinks: EventSink[] = [];
  try {
    if (options.stdout) sinks.push(openJsonLinesSink(process.stdout, { reporter }));
    if (options.eventsFile) sinks.push(openJsonLinesSink(options.eventsFile, { reporter }));
    if (options.store !== undefined) sinks.push(typeof options.store === 'string' ? new EventStore(options.store, { reporter }) : options.store);
    if (options.syslog !== undefined) sinks.push(await openSyslogSink(options.syslog, { ...options.syslogOptions, reporter }));
  } catch (e) {
    await Promise.allSettled(sinks.map((s) => s.close()));
    throw e;
  }
  return compositeSink(sinks, reporter);
}

/** Fans each event out to every sink; one sink's failure never keeps the event from the others. */
export function compositeSink(sinks: EventSink[], reporter: Reporter = silentReporter): EventSink {
  const settle = async (what: string, calls: Promise<void>[]): Promise<void> => {
    for (const r of await Promise.allSettled(calls)) if (r.status === 'rejected') reporter.warn(`event sink ${what} failed: ${(r.reason as Error)?.message ?? String(r.reason)}`);
  };
  return {
    write(event: RuntimeEvent): void {
      for (const sink of sinks) {
        try {
          sink.write(event);
        } catch (e) {
          // sinks promise not to throw; a bug in one must still not cost the others the event
          reporter.warn(`event sink write failed: ${(e as Error)?.message ?? String(e)}`);
        }
      }
    },
    flush: () => settle('flush', sinks.map((s) => (s.flush ? s.flush() : Promise.resolve()))),
    close: () => settle('close', sinks.map((s) => s.close())),
  };
}
