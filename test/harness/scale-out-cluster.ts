/**
 * The scale-out arrangement on loopback, for test/integration/scale-out.test.ts and
 * bench/scale-out.ts: a real PostgreSQL, a real registry, a vulnerability database built by
 * `bulkhead db update` from the real npm records in test/data/osv, server replicas started with
 * `--database postgres://` (external workers) sharing one key through BULKHEAD_SERVER_KEY, and
 * `bulkhead worker` processes.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, runCli } from './cli.js';
import { startPostgres } from './postgres.js';
import { startRegistry, type RunningRegistry } from './registry.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import type { PushedImage } from './synthetic-images.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ScaleOutCluster {
  databaseUrl: string;
  registry: RunningRegistry;
  vulnDbPath: string;
  env: NodeJS.ProcessEnv;
  work: string;
  startReplica(): Promise<ServerProcess>;
  startWorker(extra?: string[]): Promise<WorkerProcess>;
  /** Sends the registry's push notification for these images to one replica. */
  notify(server: ServerProcess, token: string, images: PushedImage[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startScaleOutCluster(): Promise<ScaleOutCluster> {
  const work = mkdtempSync(join(tmpdir(), 'bulkhead-scale-'));
  const cluster = await startPostgres();
  const databaseUrl = await cluster.createDatabase();
  const registry = await startRegistry({ auth: 'none' });
  const vulnDbPath = join(work, 'vuln.db');
  const built = await runCli(['db', 'update', '--source', resolve(REPO_ROOT, 'test', 'data', 'osv'), '--db', vulnDbPath]);
  if (built.code !== 0) throw new Error(`test harness: db update failed: ${built.stderr}`);
  const env = { BULKHEAD_SERVER_KEY: randomBytes(32).toString('base64') };
  const servers: ServerProcess[] = [];
  const workers: WorkerProcess[] = [];
  let firstState: string | undefined;
  return {
    databaseUrl,
    registry,
    vulnDbPath,
    env,
    work,
    async startReplica() {
      // replicas share nothing on disk but the first admin's token, copied for the harness to read
      const stateDir = mkdtempSync(join(work, 'replica-'));
      if (firstState) copyFileSync(join(firstState, 'admin-token'), join(stateDir, 'admin-token'));
      const server = await startServerProcess(['--database', databaseUrl, '--db', vulnDbPath, '--db-watch', '2', '--leader-retry', '1'], { stateDir, env });
      firstState ??= stateDir;
      servers.push(server);
      return server;
    },
    async startWorker(extra = []) {
      const worker = await startWorkerProcess(['--database', databaseUrl, '--db', vulnDbPath, '--state-dir', work, ...extra], { env });
      workers.push(worker);
      return worker;
    },
    async notify(server, token, images) {
      const events = images.map((image) => ({
        action: 'push',
        target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: image.digest, repository: image.repository, tag: image.tag, url: `http://${registry.registry}/v2/${image.repository}/manifests/${image.digest}` },
        request: { host: registry.registry },
      }));
      const response = await server.api('/api/v1/registry/notifications', { method: 'POST', token, headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json' }, body: JSON.stringify({ events }) });
      if (response.status !== 200) throw new Error(`notifications: HTTP ${response.status} ${await response.text()}`);
    },
    async stop() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await Promise.allSettled(servers.map((s) => s.stop()));
      await registry.stop();
      await cluster.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
