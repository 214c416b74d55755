/**
 * A throwaway PostgreSQL for tests and benches: one cluster per test process (initdb in a temp
 * folder, owned by the `postgres` system user because PostgreSQL refuses to run as root), listening
 * on a free loopback port only (plus a Unix socket in the same temp folder), with a password user
 * `bulkhead` (scram-sha-256 over TCP, so the password is really checked). Each caller gets a fresh
 * database in that cluster. A missing PostgreSQL is a failure naming the Debian package, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface PostgresCluster {
  /** The loopback TCP port (127.0.0.1). */
  port: number;
  /** A new, empty database owned by the password user; returns its postgres:// URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the cluster (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
  /** The server's own log (stderr), for failure messages. */
  log(): string;
}

const DEB_PACKAGE = 'postgresql';
const USER = 'bulkhead';

/** The folder holding `initdb` and `postgres`: PATH first, then Debian's versioned folders (newest first). */
export function postgresBinDir(): string {
  const fromPath = (process.env['PATH'] ?? '').split(delimiter).find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (fromPath) return fromPath;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/u.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    `test harness: PostgreSQL (initdb and postgres) is required for the server's PostgreSQL tests but is not installed; install the Debian package '${DEB_PACKAGE}' (apt-get install -y ${DEB_PACKAGE})`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** uid/gid of the `postgres` system user (Debian's package creates it). */
function postgresUser(): { uid: number; gid: number } {
  const result = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  const fields = result.stdout.trim().split(':');
  if (result.status !== 0 || fields.length < 4) {
    throw new Error(`test harness: running PostgreSQL as root needs the 'postgres' system user, created by the Debian package '${DEB_PACKAGE}' (apt-get install -y ${DEB_PACKAGE})`);
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** The command prefix that drops root to the postgres user (setpriv keeps the environment as is). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  const { uid, gid } = postgresUser();
  return ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', command, ...args]];
}

let shared: Promise<PostgresCluster> | undefined;

/** The test process's cluster, started on first use. */
export function startPostgres(): Promise<PostgresCluster> {
  shared ??= launch().catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

async function launch(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const base = mkdtempSync(join(tmpdir(), 'bulkhead-pg-'));
  const data = join(base, 'data');
  const password = randomBytes(18).toString('base64url');
  const superPassword = randomBytes(18).toString('base64url');
  const pwFile = join(base, 'superuser-password');
  writeFileSync(pwFile, superPassword + '\n', { mode: 0o600 });
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(base, uid, gid);
    chownSync(pwFile, uid, gid);
  }
  const [initCmd, initArgs] = asPostgres(join(bin, 'initdb'), [
    '-D', data, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
    '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (init.status !== 0) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`test harness: initdb failed (exit ${init.status}): ${(init.stderr || init.error?.message || '').trim().slice(-2000)}`);
  }
  rmSync(pwFile, { force: true });

  const port = await freePort();
  // durability off: a throwaway cluster, and the tests share 2 cores
  const [cmd, args] = asPostgres(join(bin, 'postgres'), [
    '-D', data, '-k', base, '-h', '127.0.0.1', '-p', String(port),
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100',
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    log = (log + s).slice(-20_000);
  });
  const killOnExit = (): void => {
    // immediate shutdown if the test process ends without stop(): no orphaned postmaster
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
  };
  process.once('exit', killOnExit);

  const pg = (await import('pg')).default;
  const admin = async <T>(database: string, work: (client: InstanceType<typeof pg.Client>) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ host: base, port, user: 'postgres', database });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(base, { recursive: true, force: true });
      throw new Error(`test harness: postgres exited (${child.exitCode}) while starting:\n${log.trim().slice(-2000)}`);
    }
    try {
      await admin('postgres', (c) => c.query(`CREATE ROLE ${USER} LOGIN PASSWORD '${password}'`));
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill('SIGQUIT');
        throw new Error(`test harness: postgres did not accept connections within 30 s: ${(e as Error).message}\n${log.trim().slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Waits (up to 3 s) until the clients that are closing have gone: a pool's end() resolves before
   * its sockets close, and a shutdown racing that would raise "terminating connection" in the test.
   */
  const drain = async (): Promise<void> => {
    for (const until = Date.now() + 3000; Date.now() < until; ) {
      try {
        const { rows } = await admin('postgres', (c) =>
          c.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"),
        );
        if (Number(rows[0]?.n) === 0) return;
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  let counter = 0;
  let stopping: Promise<void> | undefined;
  return {
    port,
    log: () => log,
    createDatabase: async (name) => {
      const db = name ?? `t_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
      if (!/^[a-z_][a-z0-9_]{0,62}$/u.test(db)) throw new Error(`test harness: database name "${db}": lower-case letters, digits and _ only`);
      await admin('postgres', (c) => c.query(`CREATE DATABASE ${db} OWNER ${USER}`));
      return `postgres://${USER}:${password}@127.0.0.1:${port}/${db}`;
    },
    stop: () =>
      (stopping ??= drain().then(() => new Promise<void>((resolve) => {
        shared = undefined;
        process.removeListener('exit', killOnExit);
        const done = (): void => {
          rmSync(base, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGINT'); // fast shutdown: roll back open transactions, disconnect clients
      }))),
  };
}
