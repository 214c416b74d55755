/**
 * The supervisor of `bulkhead authz`: it owns the plugin socket dockerd talks to and forwards every
 * decision to a worker process (the policy engine, `startAuthzPlugin` on a private socket).
 *
 * Why: dockerd retries a plugin socket nobody answers for ~30 s and then refuses EVERY request, reads
 * included (moby pkg/plugins client retry; pkg/authorization). A process that never loads the policy,
 * the scanners or the database is unlikely to die, so while the worker is stopped, crashed, restarting
 * or too slow, this process answers itself: fail-closed (state changes denied, GET/HEAD allowed) or,
 * with `failOpen`, everything allowed. Keep this file free of policy/scan imports: node builtins,
 * protocol.ts and events.ts only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { ACTIVATE_PATH, ACTIVATE_RESPONSE, AUTHZ_REQUEST_PATH, AUTHZ_RESPONSE_PATH, PLUGIN_CONTENT_TYPE, parseAuthzRequest, type AuthzResponse } from './protocol.js';
import { EventLog, type DecisionEvent } from './events.js';

export const ENGINE_DOWN_DENY = 'denied: the bulkhead policy engine is not running (fail-closed)';
export const ENGINE_DOWN_ALLOW = 'allowed (fail-open): the bulkhead policy engine is not running';
const MAX_PLUGIN_REQUEST = 8 * 1024 * 1024;

export interface SupervisorOptions {
  socketPath: string;
  workerSocket: string;
  /** How to start the worker (it must listen on `workerSocket` and send `{ ready: true }` over IPC). */
  worker: { command: string; args: string[]; env?: NodeJS.ProcessEnv };
  failOpen?: boolean;
  eventsFile?: string;
  /** A forwarded decision not answered within this is decided by the supervisor (default 25 s, under dockerd's 30 s). */
  workerTimeoutMs?: number;
  /** First restart delay; doubles per quick crash up to `maxBackoffMs` (defaults 1 s, 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  onMessage?: (message: string) => void;
}

export interface RunningSupervisor {
  socketPath: string;
  /** Resolves when the first worker is ready, or after `ms` (then decisions are the supervisor's own). */
  firstReady(ms: number): Promise<boolean>;
  workerPid(): number | undefined;
  close(): Promise<void>;
}

export async function startAuthzSupervisor(options: SupervisorOptions): Promise<RunningSupervisor> {
  const say = options.onMessage ?? (() => {});
  const timeoutMs = options.workerTimeoutMs ?? 25_000;
  const firstBackoff = options.backoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const events = options.eventsFile ? new EventLog(options.eventsFile, (e) => say(`events file ${options.eventsFile}: ${String(e)}`)) : undefined;
  let child: ChildProcess | undefined;
  let ready = false;
  let stopping = false;
  let backoff = firstBackoff;
  let restartTimer: NodeJS.Timeout | undefined;
  let onFirstReady: (() => void) | undefined;
  const firstReadyPromise = new Promise<void>((r) => (onFirstReady = r));

  function startWorker(): void {
    const startedAt = Date.now();
    const proc = spawn(options.worker.command, options.worker.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: options.worker.env ?? process.env });
    child = proc;
    ready = false;
    say(`decision worker started (pid ${proc.pid ?? '?'})`);
    proc.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { ready?: unknown }).ready === true && child === proc) {
        ready = true;
        say(`decision worker ready (pid ${proc.pid ?? '?'})`);
        onFirstReady?.();
      }
    });
    proc.on('error', (e) => say(`decision worker could not start: ${e.message}`));
    proc.on('exit', (code, signal) => {
      if (child !== proc) return;
      child = undefined;
      ready = false;
      if (stopping) return;
      // a worker that ran a while gets a quick restart; one that keeps crashing waits longer each time
      if (Date.now() - startedAt > 60_000) backoff = firstBackoff;
      const delay = backoff;
      backoff = Math.min(backoff * 2, maxBackoff);
      say(`decision worker exited (${signal ?? `code ${code}`}); deciding fail-${options.failOpen ? 'open' : 'closed'} and restarting it in ${delay / 1000} s`);
      restartTimer = setTimeout(startWorker, delay);
    });
  }

  /** The supervisor's own answer: reads pass, state changes are denied (fail-closed) unless fail-open. */
  function fallback(url: string, raw: Buffer, why: string): AuthzResponse {
    if (url === AUTHZ_RESPONSE_PATH) return { Allow: true, Msg: '', Err: '' };
    const request = parseAuthzRequest(raw);
    const method = typeof request === 'string' ? '' : (request.RequestMethod ?? '').toUpperCase();
    const read = method === 'GET' || method === 'HEAD';
    const allow = read || options.failOpen === true;
    const reason = read ? 'allowed: a read while the bulkhead policy engine is not running' : allow ? ENGINE_DOWN_ALLOW : ENGINE_DOWN_DENY;
    const event: DecisionEvent = {
      time: new Date().toISOString(),
      user: typeof request === 'string' ? '' : (request.User ?? ''),
      method: typeof request === 'string' ? '' : (request.RequestMethod ?? ''),
      uri: typeof request === 'string' ? '' : (request.RequestURI ?? ''),
      allow,
      rule: 'engine-not-running',
      reason,
      warnings: [why],
      ms: 0,
    };
    events?.write(event);
    return { Allow: allow, Msg: reason, Err: '' };
  }

  /** The worker's answer, or why there is none. */
  function forward(url: string, body: Buffer): Promise<{ status: number; body: string } | { error: string }> {
    if (!child || !ready) return Promise.resolve({ error: child ? 'decision worker starting' : 'decision worker not running' });
    return new Promise((resolve) => {
      const req = http.request(
        { socketPath: options.workerSocket, method: 'POST', path: url, headers: { 'content-type': PLUGIN_CONTENT_TYPE, 'content-length': body.length }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => resolve({ error: `decision worker answer broken: ${e.message}` }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => resolve({ error: `decision worker unreachable: ${e.message}` }));
      req.end(body);
    });
  }

  const server = http.createServer((req, res) => {
    const reply = (status: number, doc: unknown) => {
      res.writeHead(status, { 'content-type': PLUGIN_CONTENT_TYPE });
      res.end(typeof doc === 'string' ? doc : JSON.stringify(doc));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PLUGIN_REQUEST) chunks.push(c);
    });
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method !== 'POST') return reply(405, { Err: 'only POST' });
      if (url === ACTIVATE_PATH) return reply(200, ACTIVATE_RESPONSE);
      if (url !== AUTHZ_REQUEST_PATH && url !== AUTHZ_RESPONSE_PATH) return reply(404, { Err: `unknown plugin method ${url}` });
      if (size > MAX_PLUGIN_REQUEST) return reply(200, { Allow: false, Msg: `denied by rule unreadable-body: the plugin request is over ${MAX_PLUGIN_REQUEST} bytes`, Err: '' });
      const body = Buffer.concat(chunks);
      void forward(url, body).then((answer) => {
        if ('status' in answer && answer.status === 200) return reply(200, answer.body);
        const why = 'error' in answer ? answer.error : `decision worker answered HTTP ${answer.status}`;
        reply(200, fallback(url, body, why));
      });
    });
  });

  await mkdir(dirname(options.workerSocket), { recursive: true, mode: 0o700 });
  const inherited = inheritedSocket();
  if (inherited === undefined) {
    await mkdir(dirname(options.socketPath), { recursive: true });
    await removeStaleSocket(options.socketPath);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new BulkheadError('USAGE', `${options.socketPath}: cannot listen (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: options.socketPath, cause: e })));
    if (inherited === undefined) server.listen(options.socketPath, resolve);
    else server.listen({ fd: inherited }, resolve);
  });
  if (inherited === undefined) await chmod(options.socketPath, 0o600);
  startWorker();

  return {
    socketPath: options.socketPath,
    async firstReady(ms) {
      let timer: NodeJS.Timeout | undefined;
      const ok = await Promise.race([firstReadyPromise.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
      clearTimeout(timer);
      return ok;
    },
    workerPid: () => child?.pid,
    async close() {
      stopping = true;
      clearTimeout(restartTimer);
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // an inherited socket belongs to the service manager, which keeps it across restarts
      if (inherited === undefined) await unlink(options.socketPath).catch(() => {});
      await events?.flush();
    },
  };
}

/**
 * The listening socket handed over by systemd socket activation (sd_listen_fds(3): LISTEN_FDS fds
 * from fd 3, meant for this process when LISTEN_PID is our pid), or undefined. With a `.socket` unit
 * the socket outlives the plugin process: dockerd's requests wait in its backlog while systemd
 * restarts the service, instead of failing. The variables are removed so the worker does not inherit them.
 */
function inheritedSocket(): number | undefined {
  const count = Number(process.env['LISTEN_FDS'] ?? 0);
  const forUs = process.env['LISTEN_PID'] === String(process.pid);
  delete process.env['LISTEN_FDS'];
  delete process.env['LISTEN_PID'];
  delete process.env['LISTEN_FDNAMES'];
  return count >= 1 && forUs ? 3 : undefined;
}

/** A socket file nobody listens on (a plugin that died) is removed; a live one is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (alive) throw new BulkheadError('USAGE', `${path}: another process already serves this plugin socket`, { input: path });
  await unlink(path).catch(() => {});
}
