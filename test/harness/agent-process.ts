/**
 * Runs `bulkhead agent` as a user would (the CLI in its own process, through tsx), waits until it
 * says it is running, and stops it with SIGTERM. Events are read back from its --events file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cliCommand, REPO_ROOT } from './cli.js';
import type { RuntimeEvent } from '../../src/runtime/events/types.js';

export interface AgentProcess {
  child: ChildProcess;
  eventsFile: string;
  stderr(): string;
  events(): RuntimeEvent[];
  /** Waits until an event matching `predicate` is written; throws with the events and stderr on timeout. */
  waitForEvent(predicate: (e: RuntimeEvent) => boolean, ms?: number): Promise<RuntimeEvent>;
  stop(): Promise<void>;
}

export async function startAgentProcess(args: string[], eventsFile: string, env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const { command, args: prefix } = cliCommand();
  const child = spawn(command, [...prefix, 'agent', ...args, '--events', eventsFile], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (stderr += s));
  child.stdout!.resume();
  const events = (): RuntimeEvent[] =>
    existsSync(eventsFile)
      ? readFileSync(eventsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as RuntimeEvent)
      : [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start within 60 s:\n${stderr}`)), 60_000);
    const check = (): void => {
      if (/agent running in/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}) before running:\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    eventsFile,
    stderr: () => stderr,
    events,
    async waitForEvent(predicate, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events().find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event within ${ms} ms; events:\n${JSON.stringify(events(), null, 1)}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
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
