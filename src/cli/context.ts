import type { Reporter } from '../progress.js';

/** What every command gets from the program: global flags turned into a reporter, and the version. */
export interface CliContext {
  version: string;
  reporter(): Reporter & { stop(): void };
}
