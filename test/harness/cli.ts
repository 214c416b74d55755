/**
 * Runs the `bulkhead` CLI as a user would: a separate Node process on the TypeScript sources (through
 * tsx), from the repository root.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAllowFailure, type RunResult } from './exec.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The command line that starts the CLI: the built one when asked and present, else tsx on src. */
export function cliCommand(preferBuilt = false): { command: string; args: string[] } {
  const built = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (preferBuilt && existsSync(built)) return { command: process.execPath, args: [built] };
  return { command: process.execPath, args: ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')] };
}

export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const { command, args: prefix } = cliCommand();
  return runAllowFailure(command, [...prefix, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
    timeoutMs: 300_000,
  });
}
