/**
 * Runs `bulkhead server` as a user would (the CLI in its own process) on a free loopback port, with
 * a fresh state folder; returns its URL and the first admin's token (from STATE_DIR/admin-token).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand, REPO_ROOT } from './cli.js';

export interface ServerProcess {
  url: string;
  stateDir: string;
  adminToken: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
  /** fetch against the server with the admin token (or another). */
  api(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
}

export async function startServerProcess(args: string[] = [], options: { stateDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'bulkhead-server-'));
  const { command, args: prefix } = cliCommand();
  const child = spawn(command, [...prefix, 'server', '--listen', '127.0.0.1:0', '--state-dir', stateDir, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stdout!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${stderr}`)), 60_000);
    child.stderr!.on('data', (s: string) => {
      stderr += s;
      const m = /listening on (http:\/\/[^ ]+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  const adminToken = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();
  return {
    url,
    stateDir,
    adminToken,
    child,
    stderr: () => stderr,
    api: (path, init = {}) => {
      const { token, headers, ...rest } = init;
      return fetch(url + path, { ...rest, headers: { authorization: `Bearer ${token ?? adminToken}`, ...(headers as Record<string, string> | undefined) } });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
