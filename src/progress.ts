/**
 * Progress and diagnostics from library code go through a Reporter: the CLI draws bars on a TTY and
 * logs otherwise, the server records, tests stay quiet. Library code never writes to the console.
 */
export interface Reporter {
  /** Starts a unit of work; `total` in the unit the task counts (bytes, layers, files). */
  task(name: string, total?: number): ProgressTask;
  /** Something the user should know that did not stop the work. */
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export interface ProgressTask {
  advance(delta: number): void;
  setTotal(total: number): void;
  done(): void;
}

const noTask: ProgressTask = { advance() {}, setTotal() {}, done() {} };

export const silentReporter: Reporter = {
  task: () => noTask,
  warn() {},
  debug() {},
};

/** Collects warnings, for tests and for results that carry their warnings. */
export function collectingReporter(): Reporter & { warnings: string[] } {
  const warnings: string[] = [];
  return { task: () => noTask, warn: (m) => void warnings.push(m), debug() {}, warnings };
}
