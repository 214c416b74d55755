/**
 * Issue 8 item 7, with real processes: a runtime agent's reporter sends events to `bulkhead server`;
 * the server is stopped while 50 more events happen, then a new server process starts on the same
 * state folder and database (on another port); every event arrives exactly once. A profile mode set
 * over the API reaches the agent; an auditor's attempt to set one is refused and audited.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { collectingReporter } from '../../src/progress.js';
import type { RuntimeEvent } from '../../src/runtime/events/types.js';
import { startServerReporter, type ServerReporter } from '../../src/runtime/report/index.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

const spoolDir = mkdtempSync(join(tmpdir(), 'bulkhead-agent-spool-'));
let server: ServerProcess | undefined;
let reporter: ServerReporter | undefined;
let stateDir: string | undefined;
after(async () => {
  await reporter?.stop();
  await server?.stop();
  rmSync(spoolDir, { recursive: true, force: true });
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function event(n: number): RuntimeEvent {
  return {
    time: new Date().toISOString(),
    type: 'drift',
    severity: 'high',
    container: { id: 'f'.repeat(64), name: 'bhreport-web', image: 'bhreport/web:1', imageDigest: 'sha256:' + '0'.repeat(64) },
    process: { pid: 1000 + n, path: `/tmp/dropped-${n}`, cmdline: [`/tmp/dropped-${n}`] },
    action: 'alerted',
    reason: `event ${n}: a program that is not in the image ran`,
    rule: 'BH-RT-100',
  };
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  assert.ok(response.ok, `HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('agent events survive a server outage: all arrive, none twice; profile modes reach the agent; auditors change nothing', { timeout: 240_000 }, async () => {
  server = await startServerProcess();
  stateDir = server.stateDir;
  const makeUser = async (name: string, role: string): Promise<string> => {
    await json(await server!.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) }));
    const created = await json<{ token: string }>(await server!.api(`/api/v1/users/${name}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'test' }) }));
    return created.token;
  };
  const operatorToken = await makeUser('agent-node-a', 'operator');
  const auditorToken = await makeUser('auditor-1', 'auditor');

  const applied: Array<[string, string]> = [];
  const warnings = collectingReporter();
  reporter = startServerReporter({
    url: server.url,
    token: operatorToken,
    spoolDir,
    hostName: 'node-a',
    agentVersion: 'test',
    facts: { probe: 'test' },
    reporter: warnings,
    inventory: async () => [],
    onProfileMode: async (image, mode) => void applied.push([image, mode]),
    syncIntervalMs: 300,
    maxBackoffMs: 1000,
  });

  for (let n = 1; n <= 20; n++) reporter.sink.write(event(n));
  await reporter.drained(30_000);

  // the server goes away; the agent keeps working and spools
  await server.stop();
  for (let n = 21; n <= 70; n++) reporter.sink.write(event(n));
  await new Promise((r) => setTimeout(r, 1500)); // a few failed attempts with backoff
  assert.equal(reporter.pending(), 50, 'events written while the server is down wait on disk');
  assert.ok(warnings.warnings.some((w) => /not delivered yet/u.test(w)), `a warning says the server is unreachable: ${warnings.warnings.join(' | ')}`);
  assert.ok(warnings.warnings.filter((w) => /not delivered yet/u.test(w)).length <= 2, 'warnings are rate-limited');

  // a new server process on the same state folder and database, on another port
  server = await startServerProcess([], { stateDir });
  reporter.setUrl(server.url);
  await reporter.drained(60_000);

  const seen: number[] = [];
  for (let cursor: number | null | undefined; ; ) {
    type Page = { events: Array<{ seq: number; hostId: string; event: RuntimeEvent }>; next: number | null };
    const page: Page = await json<Page>(
      await server.api(`/api/v1/runtime/events?order=asc&limit=25&host=node-a${cursor ? `&cursor=${cursor}` : ''}`, { token: auditorToken }),
    );
    for (const e of page.events) {
      assert.equal(e.hostId, reporter.hostId);
      seen.push(e.seq);
    }
    cursor = page.next;
    if (cursor === null) break;
  }
  assert.equal(seen.length, 70, `70 events stored, got ${seen.length}`);
  assert.equal(new Set(seen).size, 70, 'no event stored twice');
  const sorted = [...seen].sort((a, b) => a - b);
  assert.deepEqual(seen, sorted, 'stored in the order they happened');
  const byReason = await json<{ events: Array<{ event: RuntimeEvent }> }>(await server.api('/api/v1/runtime/events?order=asc&limit=1000&container=bhreport-web'));
  assert.deepEqual(
    byReason.events.map((e) => Number(/^event (\d+)/u.exec(e.event.reason)![1])),
    Array.from({ length: 70 }, (_, i) => i + 1),
  );

  const hosts = await json<Array<{ id: string; name: string }>>(await server.api('/api/v1/hosts', { token: auditorToken }));
  assert.deepEqual(hosts.map((h) => h.name), ['node-a']);

  // profile modes: an auditor is refused and the attempt is audited; an operator's choice reaches the agent
  const image = 'bhreport/web:1';
  const refused = await server.api(`/api/v1/profiles/${encodeURIComponent(image)}/mode`, { method: 'PUT', token: auditorToken, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'protect' }) });
  assert.equal(refused.status, 403);
  const audit = await json<Array<{ actor: string; action: string; target: string; outcome: string }>>(await server.api('/api/v1/audit?limit=1000', { token: auditorToken }));
  assert.ok(audit.some((a) => a.actor === 'auditor-1' && a.action === 'auth.denied' && a.outcome === 'denied' && a.target.includes('/api/v1/profiles/')), 'the refused attempt is in the audit log');

  await json(await server.api(`/api/v1/profiles/${encodeURIComponent(image)}/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'protect' }) }));
  await until('the agent to apply the profile mode', () => applied.some(([i, m]) => i === image && m === 'protect'));
  await until('the server to record the acknowledgement', async () => {
    const profiles = await json<Array<{ image: string; appliedBy: string[] }>>(await server!.api('/api/v1/profiles', { token: auditorToken }));
    return profiles.some((p) => p.image === image && p.appliedBy.includes(reporter!.hostId));
  });
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(applied.filter(([i]) => i === image).length, 1, 'applied once, not at every poll');
});
