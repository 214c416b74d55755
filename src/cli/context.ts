import type { Reporter } from '../progress.js';

/** What every command gets from the program: global flags turned into a reporter, and the version. */
export interface CliContext {
  version: string;
  reporter(): Reporter & { stop(): void };
  /** A command that completed but must not exit 0 (a failed gate) sets the code here. */
  setExitCode(code: number): void;
}
