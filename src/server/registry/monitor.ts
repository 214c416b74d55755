/**
 * Registry monitoring by polling: for each configured registry, every `poll_seconds`, list the
 * catalog (`GET /v2/_catalog`, paged with `n` and `Link`, Distribution spec "Listing Repositories"),
 * the tags of each watched repository (`GET /v2/<name>/tags/list`), and resolve each tag to its
 * manifest digest with `HEAD /v2/<name>/manifests/<tag>` (`Docker-Content-Digest`). Digests not seen
 * before go to the scan queue, which deduplicates them against everything stored.
 */
import type { Kysely } from 'kysely';
import type { Registry, StoreSchema } from '../../store/index.js';
import { registryAccess, registryClient, repositoryMatcher } from './registry-access.js';
import type { JobQueue } from './job-queue.js';

export interface PollOutcome {
  repositories: number;
  tags: number;
  /** Digests handed to the queue (new ones, or new tags of known ones). */
  enqueued: number;
}

export interface MonitorOptions {
  db: Kysely<StoreSchema>;
  queue: JobQueue;
  /** Whether this process polls now (PostgreSQL replicas: only the leader; scale-out/leader.ts). Default: always. */
  active?: () => boolean;
  encryptionKey: Buffer;
  onError?: (registry: string, error: Error) => void;
}

const PAGE_SIZE = 100;

export class RegistryMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** `registryId repository:tag` → digest last handed to the queue. */
  private readonly known = new Map<string, string>();
  private readonly polling = new Map<string, Promise<PollOutcome>>();
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: MonitorOptions) {}

  /** Reads the configured registries and (re)schedules each: a first poll now, then every poll_seconds. */
  async reload(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.options.db.selectFrom('registries').selectAll().execute();
    const ids = new Set(rows.map((r) => r.id));
    for (const [id, timer] of this.timers) {
      if (!ids.has(id)) {
        clearTimeout(timer);
        this.timers.delete(id);
      }
    }
    for (const row of rows) if (!this.timers.has(row.id)) this.schedule(row.id, 0);
  }

  /** Re-reads one registry after a change: polls it at once with its new settings. */
  reschedule(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
    if (!this.stopped) this.schedule(id, 0);
  }

  forget(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
    for (const key of this.known.keys()) if (key.startsWith(`${id} `)) this.known.delete(key);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error('the server is stopping'));
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.polling.values()]);
  }

  private schedule(id: string, delayMs: number): void {
    const timer = setTimeout(() => {
      void (this.options.active?.() === false ? Promise.resolve() : this.poll(id))
        .catch(() => undefined)
        .then(async () => {
          if (this.stopped || this.timers.get(id) !== timer) return;
          const row = await this.options.db.selectFrom('registries').select('poll_seconds').where('id', '=', id).executeTakeFirst();
          if (row && !this.stopped && this.timers.get(id) === timer) this.schedule(id, row.poll_seconds * 1000);
        });
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  /** Polls one registry now (one poll at a time per registry); records last_polled_at or last_error. */
  poll(id: string): Promise<PollOutcome> {
    const running = this.polling.get(id);
    if (running) return running;
    const work = this.pollOnce(id).finally(() => this.polling.delete(id));
    this.polling.set(id, work);
    return work;
  }

  private async pollOnce(id: string): Promise<PollOutcome> {
    const { db } = this.options;
    const row = await db.selectFrom('registries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return { repositories: 0, tags: 0, enqueued: 0 };
    try {
      const outcome = await this.walk(row);
      await db.updateTable('registries').set({ last_polled_at: new Date().toISOString(), last_error: null }).where('id', '=', id).execute();
      return outcome;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      await db.updateTable('registries').set({ last_polled_at: new Date().toISOString(), last_error: error.message.slice(0, 1000) }).where('id', '=', id).execute();
      this.options.onError?.(row.name, error);
      throw error;
    }
  }

  private async walk(row: Registry): Promise<PollOutcome> {
    const access = registryAccess(row, this.options.encryptionKey);
    const client = registryClient(access, this.abort.signal);
    const watched = repositoryMatcher(JSON.parse(row.repositories) as string[]);
    const outcome: PollOutcome = { repositories: 0, tags: 0, enqueued: 0 };
    try {
      await client.ping();
      const repositories = (await client.catalog({ pageSize: PAGE_SIZE })).filter(watched);
      for (const name of repositories) {
        outcome.repositories++;
        const byDigest = new Map<string, string[]>();
        for (const tag of await client.listTags(name, { pageSize: PAGE_SIZE })) {
          outcome.tags++;
          const head = await client.headManifest(name, tag);
          if (!head?.digest) continue;
          const key = `${row.id} ${name}:${tag}`;
          if (this.known.get(key) === head.digest) continue;
          this.known.set(key, head.digest);
          byDigest.set(head.digest, [...(byDigest.get(head.digest) ?? []), tag]);
        }
        for (const [digest, tags] of byDigest) {
          await this.options.queue.enqueue({
            reference: `${access.host}/${name}@${digest}`,
            repository: `${access.host}/${name}`,
            tags,
            digest,
            registryId: row.id,
            ...(access.insecure ? { insecure: true } : {}),
            ...(access.credentials ? { credentials: access.credentials } : {}),
          });
          outcome.enqueued++;
        }
      }
      return outcome;
    } finally {
      client.close();
    }
  }
}
