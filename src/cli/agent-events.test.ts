import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { BulkheadError } from '../errors.js';
import { collectingReporter } from '../progress.js';
import { EventStore } from '../runtime/sinks/sqlite-store.js';
import { sampleEvent } from '../runtime/sinks/test-events.js';
import { eventsCommand, parseSince } from './agent-events.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-events-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `bulkhead agent events ARGS` in process, standard output captured. */
async function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  const reporter = collectingReporter();
  const agent = new Command('agent').exitOverride();
  agent.addCommand(eventsCommand({ version: '0.0.0-test', reporter: () => Object.assign(reporter, { stop() {} }), setExitCode() {} }).exitOverride());
  const program = new Command('bulkhead').exitOverride().addCommand(agent);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  // the test runner reports through stdout too (in Buffers): only the command's text is captured
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    out += chunk;
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['agent', 'events', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  return out;
}

test('agent events: table and JSON lines from a store, filtered, oldest first; BULKHEAD_STATE_DIR sets the default', async () => {
  const store = new EventStore(join(dir, 'agent.db'));
  const events = Array.from({ length: 40 }, (_, i) => sampleEvent(i));
  for (const e of events) store.write(e);
  await store.close();

  const json = await run(['--format', 'json', '--container', 'web-2', '--limit', '5'], { BULKHEAD_STATE_DIR: dir });
  assert.deepEqual(json.trim().split('\n').map((l) => JSON.parse(l)), events.filter((e) => e.container.name === 'web-2').slice(-5));

  const table = await run(['--store', join(dir, 'agent.db'), '--type', 'shell']);
  const lines = table.trim().split('\n');
  assert.match(lines[0]!, /^TIME +TYPE +SEVERITY +CONTAINER +ACTION +REASON$/u);
  const shells = events.filter((e) => e.type === 'shell');
  assert.equal(lines.length, shells.length + 1);
  shells.forEach((e, i) => assert.deepEqual(lines[i + 1]!.split(/ {2,}/u), [e.time, e.type, e.severity, e.container.name, e.action, e.reason]));

  const since = await run(['--store', join(dir, 'agent.db'), '-f', 'json', '--since', events[35]!.time]);
  assert.equal(since.trim().split('\n').length, 5);
  assert.equal(await run(['--store', join(dir, 'agent.db'), '--since', '1h']), 'no events\n', 'the samples are from 2024');
});

test('agent events: a missing store and bad flags are clear errors', async () => {
  await assert.rejects(run(['--store', join(dir, 'none.db')]), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_NOT_FOUND' && e.message.startsWith(join(dir, 'none.db')));
  await assert.rejects(run(['--store', join(dir, 'agent.db'), '--limit', 'x']), /--limit "x"/u);
  await assert.rejects(run(['--since', 'last tuesday']), /--since "last tuesday"/u);
  await assert.rejects(run(['--type', 'nope']), /argument 'nope' is invalid/u);
  assert.equal(parseSince('10m', 1_000_000), 400_000);
  assert.equal(parseSince('2024-01-01T00:00:00Z', 0), Date.UTC(2024, 0, 1));
});
