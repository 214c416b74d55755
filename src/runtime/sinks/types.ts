/**
 * Where runtime events go: a JSON-lines file, the local SQLite store, syslog. Every sink has this
 * shape so the agent writes each event once to a composite of them (see `openSinks`).
 */
import type { RuntimeEvent } from '../events/types.js';

export interface EventSink {
  /**
   * Hands one event to the sink. Never throws on I/O trouble (a full disk, a syslog server that is
   * down): the sink counts what it could not deliver and reports it through the Reporter, because a
   * logging failure must never stop the agent from protecting containers.
   */
  write(event: RuntimeEvent): void;
  /** Resolves when everything written so far has been handed to the OS (or given up on). */
  flush?(): Promise<void>;
  /** Flushes, then releases files and sockets. Idempotent. */
  close(): Promise<void>;
}
