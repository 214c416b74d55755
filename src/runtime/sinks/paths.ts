/**
 * Where the agent keeps its state: `/var/lib/bulkhead` (FHS §5.8, variable state of a program), or
 * the folder named by BULKHEAD_STATE_DIR. Kept free of heavy imports so CLI help stays fast.
 */
import { join } from 'node:path';

export const DEFAULT_STATE_DIR = '/var/lib/bulkhead';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['BULKHEAD_STATE_DIR'] || DEFAULT_STATE_DIR;
}

/** The local event store the agent writes and `bulkhead agent events` reads. */
export function defaultEventStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'agent.db');
}
