/**
 * A Docker daemon for the integration tests and fixtures. An already running daemon on
 * /var/run/docker.sock is used as is; otherwise `dockerd` is started in the background (no bridge, no
 * iptables: the tests need no container networking beyond the host's) and stopped again by the
 * returned function. A machine without dockerd is an error, never a skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommand } from './exec.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';

export interface DockerHandle {
  /** Path of the Engine API socket. */
  socket: string;
  /** True when this process started the daemon (and `stop` will end it). */
  started: boolean;
  stop(): Promise<void>;
}

/** Asks the Engine API's `/_ping` endpoint; true when the daemon answers OK. */
export function pingDocker(socket = DOCKER_SOCKET, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

let shared: Promise<DockerHandle> | undefined;

/** Makes sure a daemon answers on the default socket; one daemon per test process. */
export function ensureDocker(): Promise<DockerHandle> {
  shared ??= startOrReuse().catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

async function startOrReuse(): Promise<DockerHandle> {
  requireCommand('docker', 'docker.io', 'the Docker client drives fixture builds');
  if (await pingDocker()) {
    return { socket: DOCKER_SOCKET, started: false, stop: async () => {} };
  }
  const dockerd = requireCommand('dockerd', 'docker.io', 'no Docker daemon answers on ' + DOCKER_SOCKET);
  const logDir = mkdtempSync(join(tmpdir(), 'bulkhead-dockerd-'));
  const logPath = join(logDir, 'dockerd.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(dockerd, ['--bridge=none', '--iptables=false', '--ip6tables=false'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
  child.unref();

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await pingDocker()) {
      return { socket: DOCKER_SOCKET, started: true, stop: () => stopDaemon(child) };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const log = safeTail(logPath);
  if (!exited) await stopDaemon(child);
  throw new Error(
    `test harness: dockerd did not answer on ${DOCKER_SOCKET} within 60 s (${exited ?? 'still running'}); log ${logPath}:\n${log}`,
  );
}

function stopDaemon(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // dockerd shuts containerd and its containers down on SIGTERM.
    child.kill('SIGTERM');
  });
}

function safeTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
