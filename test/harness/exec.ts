/**
 * Running the real tools the harness depends on (docker, skopeo, debootstrap, npm, go, unzip).
 * A missing tool is an error naming the Debian package that provides it: integration tests fail
 * with that message instead of skipping, so a CI machine without the component is noticed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the child's standard input. */
  input?: Buffer | string;
  /** Return stdout as a Buffer instead of text (for binary output). */
  binary?: boolean;
  /** Give up after this many milliseconds (the child is killed). */
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Where a command lives on PATH (plus the sbin folders, which a non-login shell may lack). */
export function whichCommand(command: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Throws a clear error when `command` is not installed; `debPackage` says what to install. */
export function requireCommand(command: string, debPackage: string, purpose: string): string {
  const path = whichCommand(command);
  if (!path) {
    throw new Error(
      `test harness: '${command}' is required (${purpose}) but is not installed; install the Debian package '${debPackage}' (apt-get install -y ${debPackage})`,
    );
  }
  return path;
}

/** Runs a command to completion; a non-zero exit throws with the command line and its stderr. */
export async function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runAllowFailure(command, args, options);
  if (result.code !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`command failed (exit ${result.code}): ${command} ${args.join(' ')}\n${tail}`);
  }
  return result;
}

/** Runs a command and returns its exit code and output whatever the code. */
export function runAllowFailure(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    }
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`cannot start ${command}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString(options.binary ? 'latin1' : 'utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? (signal ? 128 : 1),
      });
    });
    child.stdin.on('error', () => {
      // The child may exit before reading all its input; its exit code tells what happened.
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Synchronous variant for the few places that need it (process exit handlers). */
export function runSync(command: string, args: string[]): number {
  return spawnSync(command, args, { stdio: 'ignore' }).status ?? 1;
}
