/**
 * The agent reports to the server, and nothing is lost or doubled when the server is away: the real
 * agent CLI in protect mode with --server, drift in a real container while the server runs, while it
 * is stopped, and after it is back on the same address; the server ends with every drift event the
 * agent wrote locally, each once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startAgentProcess, type AgentProcess } from '../harness/agent-process.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

const IMAGE = 'bulkhead-test/server-drift:1';
const NAME = `bulkhead-server-drift-${process.pid}`;
const DRIFT = 'mkdir -p /tmp/d && cp /bin/busybox /tmp/d/busybox && /tmp/d/busybox echo SHOULD-NOT-PRINT';
let work = '';
let server: ServerProcess | undefined;
let agent: AgentProcess | undefined;

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the kernel probes');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-server-drift-'));
  await buildBusyboxImage(IMAGE);
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  await run('docker', ['run', '-d', '--network', 'none', '--name', NAME, IMAGE]);
});

after(async () => {
  await agent?.stop();
  await server?.stop();
  await runAllowFailure('docker', ['rm', '-f', NAME]);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function drift(): Promise<void> {
  const r = await runAllowFailure('docker', ['exec', NAME, 'sh', '-c', `rm -rf /tmp/d; ${DRIFT}`]);
  assert.equal(r.code, 137, 'blocked');
}

async function serverDriftEvents(s: ServerProcess): Promise<Array<{ seq?: number; agent_seq?: number; event?: unknown; type?: string }>> {
  const all: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  for (;;) {
    const r = await s.api(`/api/v1/runtime/events?type=drift&order=asc&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200);
    const page = (await r.json()) as { events: Array<Record<string, unknown>>; next?: string | null };
    all.push(...page.events);
    if (!page.next) break;
    cursor = page.next;
  }
  return all;
}

test('drift events written while the server is down all arrive once it is back, none twice', { timeout: 180_000 }, async () => {
  const serverState = join(work, 'server');
  server = await startServerProcess([], { stateDir: serverState });
  const user = await server.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'agent-host', role: 'operator' }) });
  assert.equal(user.status, 201);
  const created = await server.api('/api/v1/users/agent-host/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'agent' }) });
  const { token } = (await created.json()) as { token: string };
  const url = server.url;
  agent = await startAgentProcess(['--mode', 'protect', '--containers', NAME, '--state-dir', join(work, 'agent'), '--server', url, '--token', token], join(work, 'events.jsonl'));

  await drift();
  await agent.waitForEvent((e) => e.type === 'drift');
  const deadline = Date.now() + 20_000;
  while ((await serverDriftEvents(server)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.equal((await serverDriftEvents(server)).length, 1, 'the first event reached the server');

  await server.stop();
  for (let i = 0; i < 3; i++) await drift();
  await new Promise((r) => setTimeout(r, 15_000));
  const local = agent.events().filter((e) => e.type === 'drift');
  assert.equal(local.length, 4);

  // back on the same address and database
  server = await startServerProcess(['--listen', new URL(url).host], { stateDir: serverState });
  const back = Date.now() + 60_000;
  let stored = await serverDriftEvents(server);
  while (stored.length < local.length && Date.now() < back) {
    await new Promise((r) => setTimeout(r, 500));
    stored = await serverDriftEvents(server);
  }
  assert.equal(stored.length, local.length, 'every drift event arrived, none twice');
  const times = stored.map((e) => JSON.stringify(e)).filter((t, i, all) => all.indexOf(t) !== i);
  assert.deepEqual(times, [], 'no duplicates');
});
