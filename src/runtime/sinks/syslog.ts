/**
 * Sends events to a syslog receiver as RFC 5424 messages (see syslog-format.ts) over
 * - UDP (RFC 5426): one message per datagram, fire and forget;
 * - TCP (RFC 6587): octet-counting framing (§3.4.1, `LEN SP MSG`), which survives newlines inside a
 *   message; reconnects with exponential backoff and keeps a bounded queue while the receiver is down;
 * - a unix stream socket: one message per line (LF trailer, the framing local stream receivers such as
 *   syslog-ng's unix-stream() read), newlines inside replaced by spaces.
 *
 * Datagram unix sockets (the usual /dev/log of rsyslog and journald) are not supported: Node has no
 * AF_UNIX SOCK_DGRAM. Opening one fails at start with a message saying so and naming the alternative
 * (the receiver's UDP input on 127.0.0.1).
 */
import dgram from 'node:dgram';
import { hostname } from 'node:os';
import net from 'node:net';
import { BulkheadError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../progress.js';
import type { RuntimeEvent } from '../events/types.js';
import { DeliveryTrouble } from './delivery-trouble.js';
import { formatSyslogMessage, type SyslogHeader } from './syslog-format.js';
import { parseSyslogTarget, syslogTargetText, type SyslogTarget } from './syslog-target.js';
import type { EventSink } from './types.js';

export interface SyslogSinkOptions {
  reporter?: Reporter;
  /** HOSTNAME field (default: this machine's name). */
  hostname?: string;
  /** PROCID field (default: the agent's pid). */
  procId?: number | string;
  /** Messages kept while a TCP or unix receiver is unreachable; older ones are dropped beyond it. */
  maxQueue?: number;
  /** Longest message in bytes (default 8192, rsyslog's default maxMessageSize). */
  maxMessageBytes?: number;
  /** First reconnect delay; doubles up to 30 s. */
  reconnectMs?: number;
}

const MAX_RECONNECT_MS = 30_000;
/** Bytes the kernel and Node may hold for a stream socket before new messages queue instead. */
const MAX_SOCKET_BACKLOG = 1024 * 1024;

export async function openSyslogSink(target: SyslogTarget | string, options: SyslogSinkOptions = {}): Promise<EventSink> {
  const t = typeof target === 'string' ? parseSyslogTarget(target) : target;
  const header: SyslogHeader = { facility: t.facility, hostname: options.hostname ?? hostname(), procId: options.procId ?? process.pid };
  const format = (event: RuntimeEvent): Buffer => formatSyslogMessage(event, header, options.maxMessageBytes ?? 8192);
  const trouble = new DeliveryTrouble(`syslog ${syslogTargetText(t)}`, options.reporter ?? silentReporter);
  if (t.transport === 'udp') return new UdpSyslog(t.host, t.port, format, trouble);
  const sink = new StreamSyslog(t, format, trouble, options.maxQueue ?? 10_000, options.reconnectMs ?? 500);
  await sink.start();
  return sink;
}

class UdpSyslog implements EventSink {
  private readonly socket: dgram.Socket;
  private inFlight = 0;
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly format: (e: RuntimeEvent) => Buffer,
    private readonly trouble: DeliveryTrouble,
  ) {
    this.socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('error', (e: NodeJS.ErrnoException) => trouble.record(e.code ?? e.message));
    this.socket.unref();
  }

  write(event: RuntimeEvent): void {
    if (this.closed) return this.trouble.record('the sink is closed');
    this.inFlight++;
    this.socket.send(this.format(event), this.port, this.host, (e) => {
      if (e) this.trouble.record((e as NodeJS.ErrnoException).code ?? e.message);
      if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  flush(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

class StreamSyslog implements EventSink {
  private socket: net.Socket | undefined;
  private connected = false;
  private closing = false;
  private queue: Buffer[] = [];
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly target: SyslogTarget,
    private readonly format: (e: RuntimeEvent) => Buffer,
    private readonly trouble: DeliveryTrouble,
    private readonly maxQueue: number,
    private readonly reconnectMs: number,
  ) {
    this.delayMs = reconnectMs;
  }

  /**
   * The first connection. A unix socket that is missing or a datagram socket is a configuration
   * mistake and fails here; a TCP receiver that is down is retried in the background.
   */
  async start(): Promise<void> {
    const error = await this.connect();
    if (!error || this.target.transport !== 'unix') return;
    const where = syslogTargetText(this.target);
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (error.code === 'EPROTOTYPE') {
      throw new BulkheadError(
        'OUTPUT_FAILED',
        `${where}: a datagram unix socket, which Node cannot write to; enable the syslog daemon's UDP input on 127.0.0.1 and use udp://127.0.0.1:514`,
        { input: where, cause: error },
      );
    }
    throw new BulkheadError('OUTPUT_FAILED', `${where}: cannot connect to the syslog socket (${error.code ?? error.message})`, { input: where, cause: error });
  }

  /** One connection attempt; resolves with its error, or undefined once connected. */
  private connect(): Promise<NodeJS.ErrnoException | undefined> {
    return new Promise((resolve) => {
      const t = this.target;
      const socket = t.transport === 'unix' ? net.connect({ path: t.path }) : net.connect({ host: t.host, port: t.port });
      this.socket = socket;
      socket.unref();
      let settled = false;
      socket.once('connect', () => {
        settled = true;
        this.connected = true;
        this.delayMs = this.reconnectMs;
        socket.setKeepAlive(true, 60_000);
        this.drainQueue();
        resolve(undefined);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (!settled) {
          settled = true;
          resolve(e);
        }
        this.trouble.note(`connection trouble (${e.code ?? e.message}); retrying`);
      });
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = undefined;
          this.connected = false;
        }
        if (!this.closing) this.scheduleReconnect();
      });
      socket.on('drain', () => this.drainQueue());
      // a receiver that talks back is not expected: read and discard so the socket never stalls
      socket.on('data', () => {});
    });
  }

  private scheduleReconnect(): void {
    if (this.timer || this.closing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, this.delayMs).unref();
    this.delayMs = Math.min(this.delayMs * 2, MAX_RECONNECT_MS);
  }

  private frame(message: Buffer): Buffer {
    if (this.target.transport === 'tcp') return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
    // LF and CR never occur inside a multi-byte UTF-8 sequence, so a byte-wise swap is safe
    const line = Buffer.from(message);
    for (let i = 0; i < line.length; i++) if (line[i] === 0x0a || line[i] === 0x0d) line[i] = 0x20;
    return Buffer.concat([line, Buffer.from('\n')]);
  }

  private canSend(): boolean {
    return this.connected && this.socket !== undefined && this.socket.writableLength < MAX_SOCKET_BACKLOG;
  }

  private drainQueue(): void {
    while (this.queue.length > 0 && this.canSend()) this.socket!.write(this.queue.shift()!);
  }

  write(event: RuntimeEvent): void {
    if (this.closing) return this.trouble.record('the sink is closed');
    const framed = this.frame(this.format(event));
    if (this.queue.length === 0 && this.canSend()) {
      this.socket!.write(framed);
      return;
    }
    this.queue.push(framed);
    if (this.queue.length > this.maxQueue) {
      this.queue.shift();
      this.trouble.record('the receiver is unreachable and the queue is full; oldest dropped');
    }
  }

  /** Waits until the queue and the socket buffer are empty, or `timeoutMs` passed. */
  async flush(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (this.queue.length > 0 || (this.socket?.writableLength ?? 0) > 0)) {
      if (!this.connected) return;
      this.drainQueue();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    await this.flush(2000);
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0) this.trouble.record('the receiver was unreachable at shutdown', this.queue.length);
    this.queue = [];
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000).unref();
      socket.once('close', () => {
        clearTimeout(done);
        resolve();
      });
      socket.end();
    });
  }
}
