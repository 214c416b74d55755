/**
 * The platform server: start it (store, key, first admin, HTTP, background services) and stop it
 * gracefully (stop accepting, finish requests, stop services, close the database).
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../store/index.js';
import { buildServer, type BulkheadServer } from './app.js';
import { createToken } from './auth/tokens.js';
import { createUser, userCount } from './auth/users.js';
import type { ServerConfig } from './context.js';
import { loadMasterKey } from './secret-key.js';

export { buildServer, type BulkheadServer, type BuildOptions } from './app.js';
export type { ServerConfig, ServerContext, RouteModule, AlertTargets } from './context.js';
export { verifyAudit, appendAudit, type AuditVerification } from './audit.js';
export { recordScan, loadScan } from './inventory/index.js';

export interface StartOptions {
  host: string;
  port: number;
  /** postgres://... or a SQLite file. */
  database: string;
  config: ServerConfig;
  onNotice?: (message: string) => void;
  logger?: boolean | Record<string, unknown>;
}

export interface RunningServer extends BulkheadServer {
  url: string;
  database: string;
  stop(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  // the folder holds the key, the token and (by default) the database: the server's user only
  mkdirSync(options.config.stateDir, { recursive: true, mode: 0o700 });
  const store = await openStore(options.database);
  try {
    const masterKey = loadMasterKey(join(options.config.stateDir, 'server.key'));
    await bootstrapAdmin(store, options.config.stateDir, options.onNotice);
    const server = await buildServer({ store, masterKey, config: options.config, logger: options.logger ?? { level: 'warn' } });
    const address = await server.app.listen({ host: options.host, port: options.port });
    let stopping: Promise<void> | undefined;
    return {
      ...server,
      url: address,
      database: store.display,
      stop: () =>
        (stopping ??= (async () => {
          await server.app.close();
          await store.close();
        })()),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * First start, no users: an `admin` (password from BULKHEAD_ADMIN_PASSWORD when set) and an API
 * token in STATE_DIR/admin-token, mode 0600. The token is never printed or logged.
 */
async function bootstrapAdmin(store: Awaited<ReturnType<typeof openStore>>, stateDir: string, notice?: (m: string) => void): Promise<void> {
  if ((await userCount(store.db)) > 0) return;
  const password = process.env['BULKHEAD_ADMIN_PASSWORD'];
  const admin = await createUser(store.db, 'admin', 'admin', password && password.length >= 12 ? password : undefined);
  const { token } = await createToken(store.db, admin.id, 'first run');
  const file = join(stateDir, 'admin-token');
  if (existsSync(file)) chmodSync(file, 0o600);
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, token + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  notice?.(`first run: created user admin${password ? ' with the password from BULKHEAD_ADMIN_PASSWORD' : ''}; its API token is in ${file}`);
}
