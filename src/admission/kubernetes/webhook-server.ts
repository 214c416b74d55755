import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAdmissionReview, reviewResponse, type AdmissionRequest, type AdmissionResponse } from './admission-review.js';
import { decideAdmission, loadDecisionModules, type AdmissionDecision, type AdmissionSettings } from './decide.js';
import type { ImageResolver } from './image-facts.js';

/**
 * An AdmissionReview is the object plus its old version; the API server caps objects near 1.5 MiB
 * (etcd's request limit), so 4 MiB holds any real review and stops a client streaming without end.
 */
export const MAX_REVIEW_BYTES = 4 * 1024 * 1024;

export interface WebhookServerOptions {
  tls: { cert: string | Buffer; key: string | Buffer };
  settings: AdmissionSettings;
  resolve: ImageResolver;
  /**
   * Time a decision may take before the webhook answers with a denial (fail-closed). Below the
   * API server's `timeoutSeconds` (10 s default), so the deny reason reaches the user instead of a
   * timeout the failurePolicy then decides.
   */
  decisionTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Called with every decision (for the audit trail); never with a malformed review. */
  onDecision?: (event: DecisionEvent) => void;
  now?: () => Date;
}

export interface DecisionEvent {
  time: string;
  endpoint: 'validate' | 'mutate';
  uid: string;
  kind: string;
  namespace?: string;
  name?: string;
  operation: string;
  dryRun: boolean;
  allowed: boolean;
  message?: string;
  warnings: string[];
  pinned: number;
  ms: number;
}

export interface RunningWebhook {
  server: Server;
  port: number;
  /** Replaces the certificate and key for new connections (after a rotation; SIGHUP in the CLI). */
  reloadTls(tls: { cert: string | Buffer; key: string | Buffer }): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the HTTPS webhook: `POST /validate`, `POST /mutate` (AdmissionReview v1), `GET /healthz`. */
export async function startWebhookServer(options: WebhookServerOptions, listen: { host?: string; port: number }): Promise<RunningWebhook> {
  await loadDecisionModules();
  const server = createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    handle(req, res, options).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) send(res, status, { error: status === 500 ? 'internal error' : 'bad request', message });
      else res.destroy();
    });
  });
  // slow or stalled clients are cut off: headers within 10 s, the whole request within 15 s
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    reloadTls: (tls) => server.setSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: WebhookServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} /healthz: use GET`);
    send(res, 200, { status: 'ok' });
    return;
  }
  const endpoint = path === '/validate' ? 'validate' : path === '/mutate' ? 'mutate' : undefined;
  if (!endpoint) {
    send(res, 404, { error: 'not found', message: `${path}: the webhook serves /validate, /mutate and /healthz` });
    return;
  }
  if (req.method !== 'POST') throw new HttpError(405, `${req.method} ${path}: use POST with an AdmissionReview`);
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, `content-type "${type}": the API server sends application/json`);
  const body = await readJson(req, options.maxBodyBytes ?? MAX_REVIEW_BYTES);
  const parsed = parseAdmissionReview(body);
  if ('error' in parsed) throw new HttpError(400, parsed.error);
  const request = parsed.review.request;
  const started = performance.now();
  const decision = await withTimeout(request, options);
  const response: AdmissionResponse = { ...decision.response };
  if (endpoint === 'mutate' && response.allowed && decision.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(decision.patch)).toString('base64');
  }
  send(res, 200, reviewResponse(response));
  options.onDecision?.({
    time: new Date().toISOString(),
    endpoint,
    uid: request.uid,
    kind: request.kind.kind,
    ...(request.namespace ? { namespace: request.namespace } : {}),
    ...(request.name ? { name: request.name } : {}),
    operation: request.operation,
    dryRun: request.dryRun === true,
    allowed: response.allowed,
    ...(response.status ? { message: response.status.message } : {}),
    warnings: response.warnings ?? [],
    pinned: response.patch ? decision.patch.length : 0,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
}

async function withTimeout(request: AdmissionRequest, options: WebhookServerOptions): Promise<AdmissionDecision> {
  const ms = options.decisionTimeoutMs ?? 8000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<AdmissionDecision>((resolve) => {
    timer = setTimeout(
      () => resolve({ response: { uid: request.uid, allowed: false, status: { code: 403, message: `bulkhead: no decision within ${ms} ms (image lookups still running); denied (fail-closed), retry shortly` } }, patch: [] }),
      ms,
    );
  });
  try {
    return await Promise.race([decideAdmission(request, options.settings, options.resolve, options.now?.() ?? new Date()), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw new HttpError(413, `request body of ${declared} bytes exceeds the ${limit}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body exceeds the ${limit}-byte limit`);
    chunks.push(chunk);
  }
  if (size === 0) throw new HttpError(400, 'empty body: expected an AdmissionReview');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `body is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
