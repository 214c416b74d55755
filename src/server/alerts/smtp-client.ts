/**
 * A minimal SMTP client (RFC 5321) over node:net for alert email: EHLO (HELO when refused), MAIL
 * FROM, RCPT TO per recipient, DATA with dot-stuffing (4.5.2: a line starting with "." gets one
 * more), QUIT. No TLS and no authentication: meant for a relay on loopback or the local network.
 * Replies are read as whole multi-line responses (4.2: `250-...` continues, `250 ...` ends).
 */
import { connect, type Socket } from 'node:net';
import { BulkheadError } from '../../errors.js';

export interface SmtpSendOptions {
  /** `smtp://host:port` (port 25 by default). */
  url: string;
  from: string;
  to: string[];
  /** The message, header and body, CRLF or LF line ends. */
  message: string;
  /** The name this client gives in EHLO (default `localhost`). */
  clientName?: string;
  timeoutMs?: number;
}

interface Reply { code: number; text: string }

class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((r: Reply) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;
  private queue: Reply[] = [];
  private error: Error | undefined;

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/u, '');
        this.buffer = this.buffer.slice(end + 1);
        this.lines.push(line);
        if (line.length < 4 || line[3] !== '-') {
          const reply = { code: Number(line.slice(0, 3)), text: this.lines.map((l) => l.slice(4)).join('\n') };
          this.lines = [];
          this.deliver(reply);
        }
      }
    });
    const fail = (e: Error) => {
      this.error ??= e;
      this.failed?.(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  private deliver(reply: Reply): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = this.failed = undefined;
      w(reply);
    } else this.queue.push(reply);
  }

  next(): Promise<Reply> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => ((this.waiting = resolve), (this.failed = reject)));
  }
}

/** Dot-stuffs a message and ends it with `CRLF.CRLF` (RFC 5321 4.1.1.4, 4.5.2). */
export function dataPayload(message: string): string {
  const lines = message.replace(/\r?\n/gu, '\n').replace(/\n$/u, '').split('\n');
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n') + '\r\n.\r\n';
}

function address(text: string): string {
  if (/[\r\n<>]/u.test(text) || !text.includes('@')) throw new BulkheadError('INPUT_INVALID', `SMTP address "${text.replace(/[\r\n]/gu, ' ')}": not a plain mailbox`, { input: text });
  return `<${text}>`;
}

export async function sendMail(options: SmtpSendOptions): Promise<void> {
  const url = new URL(options.url);
  if (url.protocol !== 'smtp:') throw new BulkheadError('INPUT_INVALID', `${options.url}: only smtp:// is supported`, { input: options.url });
  const host = url.hostname.replace(/^\[|\]$/gu, '');
  const port = url.port ? Number(url.port) : 25;
  const socket = connect({ host, port });
  socket.setTimeout(options.timeoutMs ?? 15_000, () => socket.destroy(new Error(`no answer from ${host}:${port} in time`)));
  const replies = new ReplyReader(socket);
  const expect = async (command: string | undefined, ok: (code: number) => boolean): Promise<Reply> => {
    if (command !== undefined) socket.write(command);
    const reply = await replies.next();
    if (!ok(reply.code)) throw new Error(`${command ? command.trim().split(' ')[0] : 'greeting'}: ${reply.code} ${reply.text}`);
    return reply;
  };
  const positive = (c: number) => c >= 200 && c < 400;
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    await expect(undefined, (c) => c === 220);
    const name = options.clientName ?? 'localhost';
    const ehlo = await expect(`EHLO ${name}\r\n`, () => true);
    if (ehlo.code !== 250) await expect(`HELO ${name}\r\n`, (c) => c === 250);
    await expect(`MAIL FROM:${address(options.from)}\r\n`, positive);
    for (const to of options.to) await expect(`RCPT TO:${address(to)}\r\n`, positive);
    await expect('DATA\r\n', (c) => c === 354);
    await expect(dataPayload(options.message), (c) => c === 250);
    await expect('QUIT\r\n', () => true).catch(() => undefined);
  } catch (e) {
    throw new BulkheadError('NETWORK_ERROR', `smtp://${host}:${port}: ${(e as Error).message}`, { input: options.url, cause: e });
  } finally {
    socket.destroy();
  }
}
