/**
 * Re-matches every stored image against a new vulnerability database build without pulling
 * anything: each image's latest scan kept its analysis (packages, OS, image facts), which is matched
 * again; findings of the other scanners are carried over (merge-result.ts). The database is opened
 * once per run and its repeated reads memoised (run-vuln-db.ts), scans are read in batches, the
 * analysis is stored again as the compressed bytes it was loaded from, and one run at a time is allowed (a second request while
 * one runs waits for it). Images whose latest scan has no analysis (a CI upload without one) are
 * skipped and counted.
 */
import { gunzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { ImageAnalysis } from '../../catalog/index.js';
import type { Finding } from '../../findings/types.js';
import type { ScanResult } from '../../findings/scan-result.js';
import { scanAnalysis } from '../../scan/index.js';
import type { StoreSchema } from '../../store/index.js';
import { openVulnDb } from '../../vuln/index.js';
import { recordScan } from '../inventory/index.js';
import { buildStamp, fileStamp } from './db-stamp.js';
import { mergeRematch } from './merge-result.js';
import { memoizedVulnDb } from './run-vuln-db.js';

/** The settings row holding the last database build every image was re-matched against. */
const STAMP_KEY = 'rematch.db_build';
/** Scans loaded per query: bounded memory (an analysis can be a few MiB) and few round trips. */
const BATCH = 50;

export interface NewVulnerabilities {
  digest: string;
  repository: string;
  /** The new findings (one per id and package), as the re-match produced them. */
  findings: Finding[];
}

export interface RematchRun {
  trigger: 'database' | 'manual';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The database build matched against (its `updated_at`). */
  dbBuild: string;
  images: number;
  rematched: number;
  /** Latest scan stored without an analysis: nothing to match. */
  skipped: number;
  failed: number;
  imagesWithNewVulnerabilities: number;
  newVulnerabilities: number;
}

export interface RematchStatus {
  running: boolean;
  watching: boolean;
  dbBuild?: string;
  lastRun?: RematchRun;
  lastError?: string;
}

export interface RematcherOptions {
  db: Kysely<StoreSchema>;
  vulnDbPath: string;
  watchSeconds: number;
  /** Called once per image with new vulnerabilities; must not throw or block (alerts deliver in the background). */
  onNewVulnerabilities?: (found: NewVulnerabilities) => void;
  /** Problems worth a log line (a failed image, a failed check). */
  onWarning?: (message: string, error?: unknown) => void;
}

export class Rematcher {
  /** Told after each finished run (policy re-evaluation); must not throw or block. */
  readonly onFinished: Array<(run: RematchRun) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RematchRun> | undefined;
  private checking = false;
  private lastFile: string | undefined;
  private state: RematchStatus = { running: false, watching: false };

  constructor(private readonly options: RematcherOptions) {}

  /** Starts watching the database file; the first check only records the current build. */
  start(): void {
    if (this.timer) return;
    this.state.watching = true;
    this.timer = setInterval(() => void this.check(), this.options.watchSeconds * 1000);
    this.timer.unref();
    void this.check();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.state.watching = false;
    await this.running?.catch(() => undefined);
  }

  status(): RematchStatus {
    return { ...this.state, running: this.running !== undefined };
  }

  /** One watch step: re-match when the database build differs from the one last matched against. */
  async check(): Promise<RematchRun | undefined> {
    if (this.checking || this.running) return undefined;
    this.checking = true;
    try {
      const file = await fileStamp(this.options.vulnDbPath);
      if (file === undefined || file === this.lastFile) return undefined;
      const build = buildStamp(this.options.vulnDbPath, file);
      this.lastFile = file;
      const seen = await this.options.db.selectFrom('settings').select('value').where('key', '=', STAMP_KEY).executeTakeFirst();
      this.state.dbBuild = build;
      if (seen?.value === build) return undefined;
      if (!seen) {
        // first start: the stored scans were made with this build or uploaded; nothing to catch up on
        await this.saveBuild(build);
        return undefined;
      }
      this.checking = false;
      return await this.runNow('database');
    } catch (e) {
      this.state.lastError = (e as Error).message;
      this.options.onWarning?.(`re-match check of ${this.options.vulnDbPath} failed: ${(e as Error).message}`, e);
      return undefined;
    } finally {
      this.checking = false;
    }
  }

  /** Re-matches every stored image now (or waits for the run in progress). */
  runNow(trigger: RematchRun['trigger'] = 'manual'): Promise<RematchRun> {
    this.running ??= this.run(trigger).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(trigger: RematchRun['trigger']): Promise<RematchRun> {
    const started = performance.now();
    const startedAt = new Date();
    const { db } = this.options;
    const vulnDb = memoizedVulnDb(openVulnDb(this.options.vulnDbPath));
    const run: RematchRun = {
      trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: '',
      durationMs: 0,
      dbBuild: vulnDb.status().updatedAt ?? 'unknown',
      images: 0,
      rematched: 0,
      skipped: 0,
      failed: 0,
      imagesWithNewVulnerabilities: 0,
      newVulnerabilities: 0,
    };
    try {
      const images = await db.selectFrom('images').select(['digest', 'repository', 'scan_id']).where('scan_id', 'is not', null).orderBy('digest').execute();
      run.images = images.length;
      for (let i = 0; i < images.length; i += BATCH) {
        const batch = images.slice(i, i + BATCH);
        const scans = await db.selectFrom('scans').select(['id', 'result_gz', 'analysis_gz']).where('id', 'in', batch.map((b) => b.scan_id!)).execute();
        const byId = new Map(scans.map((s) => [s.id, s]));
        for (const image of batch) {
          const scan = byId.get(image.scan_id!);
          if (!scan?.analysis_gz) {
            run.skipped++;
            continue;
          }
          try {
            const analysis = JSON.parse(gunzipSync(scan.analysis_gz).toString('utf8')) as ImageAnalysis;
            const previous = JSON.parse(gunzipSync(scan.result_gz).toString('utf8')) as ScanResult;
            const matched = scanAnalysis(analysis, vulnDb, {
              scanners: ['vuln'],
              now: startedAt,
              ...(previous.options.severities ? { severities: previous.options.severities } : {}),
              ...(previous.options.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
              ...(previous.options.failOn ? { failOn: previous.options.failOn } : {}),
            });
            const result = mergeRematch(previous, matched);
            const recorded = await recordScan(db, { result, analysisGz: scan.analysis_gz, source: 'rematch', repository: image.repository, now: startedAt });
            run.rematched++;
            if (recorded.newVulnerabilities.length) {
              const fresh = new Set(recorded.newVulnerabilities);
              const findings = result.findings.filter((f) => f.kind === 'vulnerability' && !f.suppression && fresh.has(f.id));
              run.imagesWithNewVulnerabilities++;
              run.newVulnerabilities += fresh.size;
              this.options.onNewVulnerabilities?.({ digest: image.digest, repository: image.repository, findings });
            }
          } catch (e) {
            run.failed++;
            this.options.onWarning?.(`re-match of ${image.digest} failed: ${(e as Error).message}`, e);
          }
        }
      }
      await this.saveBuild(run.dbBuild);
      this.state.dbBuild = run.dbBuild;
    } finally {
      vulnDb.close();
      run.finishedAt = new Date().toISOString();
      run.durationMs = Math.round(performance.now() - started);
      this.state.lastRun = run;
    }
    for (const fn of this.onFinished) fn(run);
    return run;
  }

  private async saveBuild(build: string): Promise<void> {
    await this.options.db
      .insertInto('settings')
      .values({ key: STAMP_KEY, value: build })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: build }))
      .execute();
  }
}
