/**
 * The authorization plugin under socket activation (sd_listen_fds): Debian's
 * systemd-socket-activate creates and holds the plugin socket and hands it to `bulkhead authz` as
 * fd 3, as a `.socket` unit does (deploy/systemd/). The plugin answers on the inherited socket, and
 * leaves the socket file to its owner when it stops.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliCommand, REPO_ROOT } from '../harness/cli.js';
import { requireCommand } from '../harness/exec.js';

let work = '';
let child: ChildProcess | undefined;

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

function post(socket: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = request({ socketPath: socket, path, method: 'POST', headers: { 'content-type': 'application/vnd.docker.plugins.v1.2+json', 'content-length': data.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

test('bulkhead authz serves the socket systemd hands it, and leaves the socket file to its owner', { timeout: 120_000 }, async () => {
  const activate = requireCommand('systemd-socket-activate', 'systemd', 'socket activation as a .socket unit does it');
  work = mkdtempSync(join(tmpdir(), 'bulkhead-authz-sa-'));
  const socket = join(work, 'plugin.sock');
  writeFileSync(join(work, 'policy.yaml'), 'version: 1\ndeployment: { forbidPrivileged: true }\n');
  const { command, args } = cliCommand();
  child = spawn(activate, ['-l', socket, command, ...args, 'authz', '--policy', join(work, 'policy.yaml'), '--socket', socket, '--worker-socket', join(work, 'worker.sock')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (stderr += s));
  const waitFor = async (pattern: RegExp, what: string): Promise<void> => {
    const deadline = Date.now() + 90_000;
    while (!pattern.test(stderr)) {
      if (Date.now() > deadline) throw new Error(`${what} not within 90 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await waitFor(/Listening on .*plugin\.sock as 3/, 'the socket');
  // like systemd, the activator starts the service on the first connection: dockerd's first request
  // waits in the socket's backlog until the plugin accepts it
  assert.deepEqual((await post(socket, '/Plugin.Activate', {})).json, { Implements: ['authz'] });
  await waitFor(/authorization plugin listening on/, 'the decision worker');
  const read = await post(socket, '/AuthZPlugin.AuthZReq', { User: '', RequestMethod: 'GET', RequestUri: '/v1.43/containers/json' });
  assert.equal(read.json['Allow'], true);
  const body = Buffer.from(JSON.stringify({ Image: 'bulkhead-test/none:1', HostConfig: { Privileged: true } })).toString('base64');
  const create = await post(socket, '/AuthZPlugin.AuthZReq', { User: '', RequestMethod: 'POST', RequestUri: '/v1.43/containers/create', RequestBody: body, RequestHeaders: { 'Content-Type': 'application/json' } });
  assert.equal(create.json['Allow'], false, JSON.stringify(create.json));
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  assert.ok(existsSync(socket), 'the socket file belongs to the service manager and stays');
});
