/**
 * Warnings about the server connection without flooding the log while it is down: the first one at
 * once, later ones at most once per interval with how many were held back.
 */
import type { Reporter } from '../../progress.js';

export class RateLimitedWarning {
  private lastMs = -Infinity;
  private held = 0;

  constructor(
    private readonly reporter: Reporter,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(message: string, fields?: Record<string, unknown>): void {
    const t = this.now();
    if (t - this.lastMs < this.intervalMs) {
      this.held++;
      return;
    }
    this.lastMs = t;
    const suffix = this.held > 0 ? ` (${this.held} similar warning(s) since the last one)` : '';
    this.held = 0;
    this.reporter.warn(message + suffix, fields);
  }

  /** The trouble is over: the next warning is shown at once. */
  reset(): void {
    this.lastMs = -Infinity;
    this.held = 0;
  }
}
