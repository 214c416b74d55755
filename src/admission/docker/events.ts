import { appendFile } from 'node:fs/promises';
import type { Decision } from './decide.js';

/**
 * Every decision is an event, one JSON line each (append-only; a reader can tail it). With `--server`
 * the decision worker also sends each one to the server (server-events.ts); the supervisor's own
 * fail-closed answers while the worker is down are written here only.
 */
export interface DecisionEvent {
  time: string;
  user: string;
  method: string;
  uri: string;
  image?: string;
  digest?: string;
  allow: boolean;
  rule: string;
  reason: string;
  unjudged?: string[];
  warnings?: string[];
  /** Parts of the image evidence answered from the plugin's cache (`--cache-ttl`), not fetched again. */
  cached?: ('signatures' | 'findings')[];
  /** Milliseconds from the plugin request to the decision. */
  ms: number;
}

export function decisionEvent(decision: Decision, request: { User?: string; RequestMethod?: string; RequestURI?: string }, time: Date, ms: number): DecisionEvent {
  return {
    time: time.toISOString(),
    user: request.User ?? '',
    method: request.RequestMethod ?? '',
    uri: request.RequestURI ?? '',
    ...(decision.image ? { image: decision.image } : {}),
    ...(decision.digest ? { digest: decision.digest } : {}),
    allow: decision.allow,
    rule: decision.rule,
    reason: decision.reason,
    ...(decision.unjudged ? { unjudged: decision.unjudged } : {}),
    ...(decision.warnings ? { warnings: decision.warnings } : {}),
    ms: Math.round(ms * 100) / 100,
  };
}

/** Appends events to a file in order; writes are chained so lines never interleave. */
export class EventLog {
  private tail: Promise<void> = Promise.resolve();
  constructor(
    private readonly file: string,
    private readonly onError: (e: unknown) => void,
  ) {}

  write(event: DecisionEvent): void {
    this.tail = this.tail.then(() => appendFile(this.file, JSON.stringify(event) + '\n')).catch(this.onError);
  }

  flush(): Promise<void> {
    return this.tail;
  }
}
