/**
 * Starts a real ClamAV daemon (Debian `clamav-daemon`) once per test run, on a unix socket in a
 * temp directory and on 127.0.0.1 with a free port. freshclam cannot download here, so the
 * daemon loads only the signature files the test hands over (written into a temp
 * DatabaseDirectory); clamd.conf keys follow clamd.conf(5).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './registry.js';

export interface RunningClamd {
  /** `unix:/…/clamd.sock` */
  unixAddress: string;
  /** `tcp://127.0.0.1:PORT` */
  tcpAddress: string;
  streamMaxLength: number;
  /** Milliseconds from spawn to the first PONG (signature loading included). */
  startupMs: number;
  log(): string;
  stop(): Promise<void>;
}

const CLAMD = '/usr/sbin/clamd';

export async function startClamd(options: { signatures: Record<string, string>; streamMaxLength?: number }): Promise<RunningClamd> {
  if (!existsSync(CLAMD)) {
    throw new Error(`test harness: ${CLAMD} is missing; install the Debian package "clamav-daemon" (apt-get install -y clamav-daemon)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'bulkhead-clamd-'));
  const dbDir = join(dir, 'db');
  await mkdir(dbDir);
  await mkdir(join(dir, 'tmp'));
  for (const [name, text] of Object.entries(options.signatures)) await writeFile(join(dbDir, name), text);
  const socket = join(dir, 'clamd.sock');
  const port = await freePort();
  const streamMaxLength = options.streamMaxLength ?? 1024 * 1024;
  const config = [
    'Foreground yes',
    `DatabaseDirectory ${dbDir}`,
    `LocalSocket ${socket}`,
    'LocalSocketMode 600',
    `TCPSocket ${port}`,
    'TCPAddr 127.0.0.1',
    `TemporaryDirectory ${join(dir, 'tmp')}`,
    `PidFile ${join(dir, 'clamd.pid')}`,
    `StreamMaxLength ${streamMaxLength}`,
    'MaxThreads 4',
    'LogTime no',
    'LogVerbose no',
    // nothing to verify or update: only the test's own unsigned databases are loaded
    'Bytecode no',
    'SelfCheck 0',
  ];
  // running as root: clamd drops to the configured User, which must be able to read the temp dir
  if (process.getuid?.() === 0) config.push('User root');
  await writeFile(join(dir, 'clamd.conf'), config.join('\n') + '\n');

  const started = Date.now();
  const child = spawn(CLAMD, ['--foreground', `--config-file=${join(dir, 'clamd.conf')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (b: Buffer) => void (log = (log + b.toString('utf8')).slice(-100_000));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`test harness: clamd exited (${child.exitCode ?? child.signalCode}) before answering:\n${log.slice(-4000)}`);
      if ((await ping(socket)) && (await ping(port))) break;
      if (Date.now() > deadline) throw new Error(`test harness: clamd did not answer PING within 60 s:\n${log.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { unixAddress: `unix:${socket}`, tcpAddress: `tcp://127.0.0.1:${port}`, streamMaxLength, startupMs: Date.now() - started, log: () => log, stop };
}

/** PING/PONG (clamd(8)) on a socket path or a loopback port; false while not listening yet. */
function ping(where: string | number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = typeof where === 'string' ? net.createConnection(where) : net.createConnection(where, '127.0.0.1');
    let reply = '';
    s.setTimeout(2000, () => s.destroy());
    s.on('connect', () => s.write('zPING\0'));
    s.on('data', (b) => (reply += b.toString()));
    s.on('error', () => {});
    s.on('close', () => resolve(reply.replace(/\0$/, '') === 'PONG'));
  });
}
