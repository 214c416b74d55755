/**
 * Which replica runs the periodic duties (registry polling, the vulnerability database watch): the
 * one holding a PostgreSQL session-level advisory lock on a connection of its own. The lock lives as
 * long as that connection: when the replica dies (even by SIGKILL) PostgreSQL ends its session and
 * frees the lock, and another replica takes it at its next attempt, `retrySeconds` later at most.
 */
import type pg from 'pg';

/** Any fixed 64-bit number naming the leader lock (docs/scale-out.md). */
const LEADER_LOCK = '7308892347295424512';

export interface LeaderOptions {
  databaseUrl: string;
  retrySeconds: number;
  /** Called each time this process becomes the leader. */
  onElected?: () => void;
  onWarning?: (message: string) => void;
}

export class LeaderLock {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;
  private attempt: Promise<void> | undefined;

  constructor(private readonly options: LeaderOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const tick = (): void => {
      this.attempt = this.tryLead().finally(() => {
        if (!this.stopped) {
          this.timer = setTimeout(tick, this.options.retrySeconds * 1000);
          this.timer.unref();
        }
      });
    };
    tick();
  }

  /** Gives the lock up (ending the session frees it), so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.attempt?.catch(() => undefined);
    this.leading = false;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async tryLead(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const { default: pgModule } = await import('pg');
        const client = new pgModule.Client({ connectionString: this.options.databaseUrl });
        client.on('error', () => {
          // the session is gone, and the lock with it
          this.leading = false;
          if (this.client === client) this.client = undefined;
        });
        await client.connect();
        this.client = client;
      }
      if (this.leading) {
        await this.client.query('SELECT 1');
        return;
      }
      const { rows } = await this.client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LEADER_LOCK}) AS locked`);
      if (rows[0]?.locked) {
        this.leading = true;
        this.options.onElected?.();
      }
    } catch (e) {
      this.leading = false;
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
      this.options.onWarning?.(`leader lock: ${(e as Error).message}`);
    }
  }
}
