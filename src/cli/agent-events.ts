import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { parseDuration } from '../policy/duration.js';
import { RUNTIME_EVENT_TYPES, type RuntimeEvent } from '../runtime/events/types.js';
import { DEFAULT_STATE_DIR } from '../runtime/sinks/paths.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

interface EventsFlags {
  store?: string;
  since?: string;
  type?: string;
  container?: string;
  limit: string;
  format: 'table' | 'json';
}

/** `bulkhead agent events`: reads the agent's local event store. */
export function eventsCommand(_ctx: CliContext): Command {
  return new Command('events')
    .summary("list the runtime agent's stored events")
    .description(
      'Reads the event store the agent writes (SQLite) and prints the newest events that match, oldest\n' +
        `first. The store defaults to $BULKHEAD_STATE_DIR/agent.db (${DEFAULT_STATE_DIR}/agent.db). Works while\n` +
        'the agent runs: readers never block it.',
    )
    .option('--store <file>', 'event store to read (default $BULKHEAD_STATE_DIR/agent.db)')
    .option('--since <when>', 'only events at or after WHEN: a duration back from now (30s, 10m, 2h, 7d) or an ISO 8601 time')
    .addOption(new Option('--type <type>', 'only events of this type').choices([...RUNTIME_EVENT_TYPES]))
    .option('--container <id|name>', 'only events of this container (id, id prefix or name)')
    .option('--limit <n>', 'at most N events (the newest)', '100')
    .addOption(new Option('-f, --format <format>', 'table, or json (one JSON object per line)').choices(['table', 'json']).default('table'))
    .action(async (own: EventsFlags, command: Command) => {
      // `agent` has --store too (the store it writes): commander hands the flag to the parent
      const parentStore = command.optsWithGlobals()['store'];
      const flags: EventsFlags = { ...own, ...(typeof parentStore === 'string' ? { store: parentStore } : {}) };
      const limit = Number(flags.limit);
      if (!/^\d{1,9}$/u.test(flags.limit) || limit < 1) throw new BulkheadError('USAGE', `--limit "${flags.limit}": expected a whole number of at least 1`);
      const since = flags.since === undefined ? undefined : parseSince(flags.since, Date.now());
      const { EventStore, defaultEventStorePath } = await import('../runtime/sinks/index.js');
      const store = new EventStore(flags.store ?? defaultEventStorePath(), { readonly: true });
      let events: RuntimeEvent[];
      try {
        events = store.query({
          ...(since !== undefined ? { since } : {}),
          ...(flags.type ? { type: flags.type } : {}),
          ...(flags.container ? { container: flags.container } : {}),
          limit,
        });
      } finally {
        await store.close();
      }
      // the query gives the newest first; print oldest first, like a log's tail
      events.reverse();
      const text = flags.format === 'json' ? events.map((e) => JSON.stringify(e) + '\n').join('') : eventTable(events);
      await writeOutput(text, undefined);
    });
}

/** `--since`: a duration back from `now` (`10m`) or an ISO 8601 time; milliseconds since the epoch. */
export function parseSince(text: string, now: number): number {
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  // ISO 8601 date or date-time only: Date.parse would also take "March 7" or "1"
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/u.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw new BulkheadError('USAGE', `--since "${text}": expected a duration (30s, 10m, 2h, 7d) or an ISO 8601 time`);
  return ms;
}

/** time, type, severity, container, action and reason; columns sized to their content. */
export function eventTable(events: RuntimeEvent[]): string {
  if (events.length === 0) return 'no events\n';
  const rows = [
    ['TIME', 'TYPE', 'SEVERITY', 'CONTAINER', 'ACTION', 'REASON'],
    ...events.map((e) => [e.time, e.type, e.severity, (e.container?.name ?? '').replace(/^\//u, '') || (e.container?.id ?? '').slice(0, 12), e.action, e.reason].map(oneLine)),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** Control characters from an event (a crafted file name) must not move the terminal's cursor. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/gu, ' ');
}
