import http from 'node:http';
import net from 'node:net';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BulkheadError } from '../../errors.js';
import type { Policy } from '../../policy/index.js';
import { ACTIVATE_PATH, ACTIVATE_RESPONSE, AUTHZ_REQUEST_PATH, AUTHZ_RESPONSE_PATH, PLUGIN_CONTENT_TYPE, parseAuthzRequest, type AuthzResponse } from './protocol.js';
import { decide, imageToResolve, type Decision, type DecisionContext } from './decide.js';
import { ImageEvidenceSource, type CachedPart } from './image-evidence.js';
import { decisionEvent, EventLog, type DecisionEvent } from './events.js';

export const DEFAULT_PLUGIN_SOCKET = '/run/docker/plugins/bulkhead.sock';
/** Plugin requests carry at most the Engine's 4 MiB body, base64-encoded, plus headers. */
const MAX_PLUGIN_REQUEST = 8 * 1024 * 1024;

export interface AuthzPluginOptions {
  socketPath?: string;
  /** The policy, or why it could not be loaded (the plugin still serves, and fails closed). */
  policy: Policy | { unavailable: string };
  /** Folder relative key paths of the policy are read from. */
  policyDir?: string;
  /** The guarded daemon's Engine API socket (for image inspection and scans). */
  dockerSocket?: string;
  dbPath?: string;
  server?: { url: string; token: string };
  eventsFile?: string;
  failOpen?: boolean;
  allowUsers?: string[];
  /** How long a digest's signatures and findings are reused (default 10 minutes). */
  cacheTtlMs?: number;
  onWarning?: (message: string) => void;
  /** Called with every decision (tests, the CLI's log). */
  onDecision?: (event: DecisionEvent) => void;
}

export interface AuthzPlugin {
  socketPath: string;
  close(): Promise<void>;
}

/** Serves the authorization plugin protocol on a unix socket until `close()`. */
export async function startAuthzPlugin(options: AuthzPluginOptions): Promise<AuthzPlugin> {
  const socketPath = options.socketPath ?? DEFAULT_PLUGIN_SOCKET;
  const warn = options.onWarning ?? (() => {});
  const evidence = new ImageEvidenceSource({
    dockerSocket: options.dockerSocket ?? '/var/run/docker.sock',
    ttlMs: options.cacheTtlMs ?? 10 * 60_000,
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    ...(options.server ? { server: options.server } : {}),
    ...(options.policyDir ? { baseDir: options.policyDir } : {}),
  });
  const events = options.eventsFile ? new EventLog(options.eventsFile, (e) => warn(`events file ${options.eventsFile}: ${String(e)}`)) : undefined;
  if (options.failOpen) warn('fail-open: requests the plugin cannot decide are ALLOWED');

  async function authorize(raw: Buffer): Promise<AuthzResponse> {
    const started = performance.now();
    const request = parseAuthzRequest(raw);
    let decision: Decision;
    let cached: CachedPart[] | undefined;
    if (typeof request === 'string') {
      decision = { allow: false, rule: 'unreadable-body', reason: `denied by rule unreadable-body: ${request}` };
    } else {
      const context: DecisionContext = { policy: options.policy, now: new Date(), allowUsers: options.allowUsers ?? [], failOpen: options.failOpen === true };
      const image = imageToResolve(request);
      if (image && !('unavailable' in options.policy)) {
        const gathered = await evidence.gather(image, options.policy);
        if ('cached' in gathered && gathered.cached.length) cached = gathered.cached;
        context.image = gathered;
      }
      decision = decide(request, context);
    }
    const event = decisionEvent(decision, typeof request === 'string' ? {} : request, new Date(), performance.now() - started);
    if (cached) event.cached = cached;
    events?.write(event);
    options.onDecision?.(event);
    for (const w of decision.warnings ?? []) if (w.startsWith('fail-open')) warn(w);
    return { Allow: decision.allow, Msg: decision.reason, Err: '' };
  }

  const server = http.createServer((req, res) => {
    const reply = (status: number, doc: unknown) => {
      res.writeHead(status, { 'content-type': PLUGIN_CONTENT_TYPE });
      res.end(JSON.stringify(doc));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PLUGIN_REQUEST) chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST') return reply(405, { Err: 'only POST' });
      if (req.url === ACTIVATE_PATH) return reply(200, ACTIVATE_RESPONSE);
      if (req.url === AUTHZ_RESPONSE_PATH) return reply(200, { Allow: true, Msg: '', Err: '' } satisfies AuthzResponse);
      if (req.url !== AUTHZ_REQUEST_PATH) return reply(404, { Err: `unknown plugin method ${req.url}` });
      if (size > MAX_PLUGIN_REQUEST) return reply(200, { Allow: false, Msg: `denied by rule unreadable-body: the plugin request is over ${MAX_PLUGIN_REQUEST} bytes`, Err: '' });
      authorize(Buffer.concat(chunks)).then(
        (answer) => reply(200, answer),
        // an internal failure is a denial (fail-closed) unless fail-open was asked for
        (e: unknown) => reply(200, { Allow: options.failOpen === true, Msg: `${options.failOpen ? 'allowed (fail-open)' : 'denied by rule undecidable (fail-closed)'}: internal error: ${String(e)}`, Err: '' }),
      );
    });
  });

  await mkdir(dirname(socketPath), { recursive: true });
  await removeStaleSocket(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new BulkheadError('USAGE', `${socketPath}: cannot listen (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: socketPath, cause: e })));
    server.listen(socketPath, resolve);
  });
  // only root (dockerd) talks to the plugin
  await chmod(socketPath, 0o600);
  return {
    socketPath,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await unlink(socketPath).catch(() => {});
      await events?.flush();
    },
  };
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
