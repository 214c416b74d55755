/**
 * The agent's detectors against real containers, the real kernel (bpftrace) and the real CLI: each
 * behaviour is performed in a container and the event must follow. Network behaviour stays on
 * loopback: the containers share the host network and connect to 127.0.0.x addresses, which the test
 * policy declares outbound (`networks.internal: []`) and a test reputation list names as bad.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startAgentProcess, type AgentProcess } from '../harness/agent-process.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { runCli } from '../harness/cli.js';
import { ensureDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import type { RuntimeEvent } from '../../src/runtime/events/types.js';

const TAG = `${process.pid}`;
const MAIN_IMAGE = 'bulkhead-test/agent-detect:1';
const DB_IMAGE = 'bulkhead-test/redis:agent';
const TTL_IMAGE = 'bulkhead-test/agent-ttl:1';
const MAIN = `bulkhead-detect-main-${TAG}`;
const DB = `bulkhead-detect-db-${TAG}`;
const TTL = `bulkhead-detect-ttl-${TAG}`;
const BAD_IP = '127.0.0.77';
let work = '';
let agent: AgentProcess;
let syslogMessages: string[] = [];
let closeSyslog = (): void => {};

before(async () => {
  requireCommand('bpftrace', 'bpftrace', 'the kernel probes');
  await ensureDocker();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-detect-'));
  await buildBusyboxImage(MAIN_IMAGE, { copies: ['/usr/sbin/sshd'] });
  await buildBusyboxImage(DB_IMAGE);
  await buildBusyboxImage(TTL_IMAGE);
  for (const name of [MAIN, DB, TTL]) await runAllowFailure('docker', ['rm', '-f', name]);
  await run('docker', ['run', '-d', '--network', 'host', '--pids-limit', '1500', '--name', MAIN, MAIN_IMAGE]);
  await run('docker', ['run', '-d', '--network', 'host', '--user', '1000', '--name', DB, DB_IMAGE]);
  await run('docker', ['run', '-d', '--network', 'none', '--user', '1000', '--name', TTL, TTL_IMAGE]);

  // FireHOL netset format: comments, then one address or CIDR per line
  writeFileSync(join(work, 'bad.netset'), `# test list\n# Entries : 2\n192.0.2.0/24\n${BAD_IP}\n`);
  writeFileSync(
    join(work, 'policy.yaml'),
    [
      'version: 1',
      'image: { nonRootUser: true }',
      'runtime:',
      '  networks: { internal: [] }',
      `  reputation: { lists: [${join(work, 'bad.netset')}] }`,
      '  ttl:',
      `    - images: [bulkhead-test/agent-ttl]`,
      '      maxAge: 15s',
      '      action: replace',
      '',
    ].join('\n'),
  );
  const socket = createSocket('udp4');
  socket.on('message', (m) => syslogMessages.push(m.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  closeSyslog = () => socket.close();
  const port = socket.address().port;
  agent = await startAgentProcess(
    [
      '--mode', 'protect',
      '--policy', join(work, 'policy.yaml'),
      '--containers', [MAIN, DB, TTL].join(','),
      '--state-dir', work,
      '--syslog', `udp://127.0.0.1:${port}`,
    ],
    join(work, 'events.jsonl'),
  );
});

after(async () => {
  await agent?.stop();
  closeSyslog();
  for (const name of [MAIN, DB, TTL]) await runAllowFailure('docker', ['rm', '-f', name]);
  if (work) rmSync(work, { recursive: true, force: true });
});

const ofContainer = (name: string) => (e: RuntimeEvent) => e.container.name === name;

test('a connection to an address on a reputation list is detected, naming the list', async () => {
  await runAllowFailure('docker', ['exec', MAIN, 'nc', '-w', '1', BAD_IP, '8080']);
  const event = await agent.waitForEvent((e) => e.type === 'bad-ip' && ofContainer(MAIN)(e));
  assert.match(event.reason, new RegExp(BAD_IP.replace(/\./g, '\\.')));
  assert.match(JSON.stringify(event), /bad\.netset/);
  assert.equal(event.container.image, MAIN_IMAGE);
});

test('a 200-port scan of 127.0.0.1 from a container is detected', async () => {
  await runAllowFailure('docker', ['exec', MAIN, 'sh', '-c', 'for p in $(seq 21000 21199); do nc -w 1 127.0.0.1 $p </dev/null 2>/dev/null; done; true']);
  const event = await agent.waitForEvent((e) => e.type === 'port-scan' && ofContainer(MAIN)(e));
  assert.match(event.reason, /port/);
});

test('an interactive shell in a container is detected', async () => {
  // A real interactive shell lives while someone types. `sh -c 'sleep 2'` would not do: the shell
  // execs its last command in place, so by the time the agent reads /proc the process is `sleep`;
  // with a second command the shell stays, on its terminal, while sleep runs as its child.
  await runAllowFailure('docker', ['exec', '-t', MAIN, 'sh', '-i', '-c', 'sleep 2; true']);
  const event = await agent.waitForEvent((e) => e.type === 'shell' && ofContainer(MAIN)(e));
  assert.match(event.reason, /shell/i);
});

test('sshd running in a container is detected', async () => {
  await runAllowFailure('docker', ['exec', MAIN, '/usr/sbin/sshd']);
  const event = await agent.waitForEvent((e) => e.type === 'sshd' && ofContainer(MAIN)(e));
  assert.match(event.reason, /sshd/);
});

test('a database image connecting out is detected; a root container is reported', async () => {
  await runAllowFailure('docker', ['exec', DB, 'nc', '-w', '1', '127.0.0.5', '6390']);
  const event = await agent.waitForEvent((e) => e.type === 'database-egress' && ofContainer(DB)(e));
  assert.match(event.reason, /127\.0\.0\.5/);
  await agent.waitForEvent((e) => e.type === 'root' && ofContainer(MAIN)(e));
  assert.ok(!agent.events().some((e) => e.type === 'root' && e.container.name === DB), 'the non-root container is not reported as root');
  // the policy asks for non-root users: the root container holds more privilege than allowed
  const drift = await agent.waitForEvent((e) => e.type === 'privilege-drift' && ofContainer(MAIN)(e));
  assert.match(drift.reason, /image\.nonRootUser/);
  assert.ok(!agent.events().some((e) => e.type === 'privilege-drift' && e.container.name === DB));
});

test('a container past its time to live is replaced by a fresh one from its image', async () => {
  const before = (await run('docker', ['inspect', '-f', '{{.Id}}', TTL])).stdout.trim();
  const event = await agent.waitForEvent((e) => e.type === 'ttl' && e.container.id === before, 60_000);
  assert.equal(event.action, 'replaced', JSON.stringify(event));
  // the name now belongs to a running container with another id and the old one's configuration
  // (its own replacement may already be under way: wait for a running one)
  let now: string[] = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const r = await runAllowFailure('docker', ['inspect', '-f', '{{.Id}} {{.State.Running}} {{.Config.User}}', TTL]);
    now = r.stdout.trim().split(' ');
    if (now[0] !== before && now[1] === 'true') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.notEqual(now[0], before);
  assert.equal(now[1], 'true');
  assert.equal(now[2], '1000', 'the new container keeps the old one\'s configuration');
  assert.equal((await runAllowFailure('docker', ['inspect', before])).code !== 0, true, 'the old container is removed');
});

// The fork bomb runs last of the detector tests: its burst of events, and the freeze and kill in
// the container, are the most disruptive to what follows.
test('a fork bomb is detected and stopped', async () => {
  const bomb = runAllowFailure('docker', ['exec', MAIN, 'sh', '-c', 'f() { f | f & }; f; sleep 30'], { timeoutMs: 60_000 });
  const event = await agent.waitForEvent((e) => e.type === 'fork-bomb' && ofContainer(MAIN)(e), 30_000);
  assert.equal(event.action, 'killed', JSON.stringify(event));
  // the container is back to its own process (and the shell that started the bomb, if alive)
  const deadline = Date.now() + 15_000;
  let count = Infinity;
  while (Date.now() < deadline) {
    const top = await runAllowFailure('docker', ['top', MAIN]);
    count = top.stdout.trim().split('\n').length - 1;
    if (count <= 3) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(count <= 3, `processes left in the container: ${count}`);
  await bomb;
});

test('events are kept in the local store and sent to syslog', async () => {
  const written = agent.events();
  assert.ok(written.length > 0);
  const listed = await runCli(['agent', 'events', '--store', join(work, 'agent.db'), '--format', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const stored = listed.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RuntimeEvent);
  for (const type of ['bad-ip', 'port-scan', 'fork-bomb']) assert.ok(stored.some((e) => e.type === type), `${type} in the store`);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !syslogMessages.some((m) => / bad-ip /.test(m))) await new Promise((r) => setTimeout(r, 100));
  const message = syslogMessages.find((m) => / bad-ip /.test(m));
  assert.ok(message, `syslog got: ${syslogMessages.slice(0, 3).join('\n')}`);
  assert.match(message, /^<\d+>1 /, 'RFC 5424 header');
  assert.match(message, new RegExp(MAIN));
  // the JSON lines file is valid line by line
  for (const line of readFileSync(join(work, 'events.jsonl'), 'utf8').split('\n').filter(Boolean)) JSON.parse(line);
});
