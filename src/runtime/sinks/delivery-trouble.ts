/**
 * Counts events a sink could not deliver and turns them into Reporter warnings without flooding the
 * log: the first failure is reported at once, later ones at most once per interval with the count.
 */
import type { Reporter } from '../../progress.js';

export class DeliveryTrouble {
  /** Events lost or failed since the sink opened. */
  failures = 0;
  private lastWarnMs = -Infinity;
  private unreported = 0;

  constructor(
    private readonly sink: string,
    private readonly reporter: Reporter,
    private readonly intervalMs = 60_000,
  ) {}

  /** Records `count` undelivered events and why. */
  record(reason: string, count = 1): void {
    this.failures += count;
    this.unreported += count;
    const now = Date.now();
    if (now - this.lastWarnMs < this.intervalMs) return;
    this.lastWarnMs = now;
    this.reporter.warn(`${this.sink}: ${this.unreported} event(s) not delivered (${reason}); ${this.failures} since start`, {
      sink: this.sink,
      failures: this.failures,
    });
    this.unreported = 0;
  }

  /** A non-loss problem worth one line (a reconnect, a rotated file), rate-limited the same way. */
  note(message: string): void {
    const now = Date.now();
    if (now - this.lastWarnMs < this.intervalMs) return;
    this.lastWarnMs = now;
    this.reporter.warn(`${this.sink}: ${message}`, { sink: this.sink });
  }
}
