/**
 * Runs `bulkhead worker` as a user would (the CLI in its own process) and keeps its log, where it
 * writes one line per job started and finished (`job started <id> <reference>`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliCommand, REPO_ROOT } from './cli.js';

export interface WorkerProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves when the log has a line matching `pattern`. */
  waitFor(pattern: RegExp, seconds?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export async function startWorkerProcess(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<WorkerProcess> {
  const { command, args: prefix } = cliCommand();
  const child = spawn(command, [...prefix, 'worker', ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (log += s));
  child.stdout!.resume();
  const waitFor = async (pattern: RegExp, seconds = 60): Promise<RegExpExecArray> => {
    for (const until = Date.now() + seconds * 1000; ; ) {
      const m = pattern.exec(log);
      if (m) return m;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${log.slice(-3000)}`);
      if (Date.now() > until) throw new Error(`worker: no ${pattern} within ${seconds} s:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await waitFor(/worker ready/u);
  return {
    child,
    stderr: () => log,
    waitFor,
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
