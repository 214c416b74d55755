/**
 * `bulkhead authz`: the Docker Engine authorization plugin in the foreground until SIGTERM
 * (enable it with `dockerd --authorization-plugin=bulkhead`). By default a small supervisor
 * (src/admission/docker/supervisor.ts) owns the plugin socket and runs the decision worker
 * (`authz --worker`, flags → startAuthzPlugin) as a child; `--no-supervisor` is one process.
 */
import { Command, Option } from 'commander';
import { basename, dirname, resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import type { CliContext } from './context.js';

interface AuthzFlags {
  policy: string;
  socket: string;
  dockerHost: string;
  db?: string;
  server?: string;
  token?: string;
  events?: string;
  spool?: string;
  failOpen?: boolean;
  allowUsers?: string;
  cacheTtl: string;
  supervisor: boolean;
  worker?: boolean;
  workerSocket?: string;
  workerTimeout: string;
  restartBackoff: string;
}

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new BulkheadError('USAGE', `${flag} ${value}: not a number of seconds`);
  return n;
}

/** The private worker socket: outside /run/docker/plugins, so dockerd never finds it as a plugin. */
function defaultWorkerSocket(pluginSocket: string): string {
  return `/run/bulkhead/${basename(pluginSocket).replace(/\.sock$/u, '')}-worker.sock`;
}

/** The spool of decisions on their way to --server: on disk that survives a reboot, one per plugin name. */
function defaultSpool(pluginSocket: string): string {
  return `/var/lib/bulkhead/${basename(pluginSocket).replace(/\.sock$/u, '')}-decisions-spool.db`;
}

/** This same program with `authz --worker` and the decision flags (the token goes by environment, not argv). */
function workerCommand(flags: AuthzFlags, workerSocket: string): { command: string; args: string[] } {
  const at = process.argv.indexOf('authz', 2);
  if (at < 0) throw new BulkheadError('USAGE', 'authz: cannot find the command in argv to start the decision worker (use --no-supervisor)');
  const args = [...process.execArgv, ...process.argv.slice(1, at + 1), '--worker', '--worker-socket', workerSocket];
  args.push('--policy', resolve(flags.policy), '--docker-host', flags.dockerHost, '--cache-ttl', flags.cacheTtl);
  if (flags.db) args.push('--db', resolve(flags.db));
  if (flags.server) args.push('--server', flags.server);
  if (flags.events) args.push('--events', resolve(flags.events));
  if (flags.spool) args.push('--spool', resolve(flags.spool));
  // the worker's --socket is its private one: the spool keeps the name of the plugin dockerd knows
  else if (flags.server) args.push('--spool', defaultSpool(flags.socket));
  args.push('--socket', flags.socket);
  if (flags.failOpen) args.push('--fail-open');
  if (flags.allowUsers) args.push('--allow-users', flags.allowUsers);
  return { command: process.execPath, args };
}

export function authzCommand(ctx: CliContext): Command {
  return new Command('authz')
    .summary('run the Docker authorization plugin (deploy gate)')
    .description(
      'Serves the Docker plugin API (authz) on a unix socket and judges every Engine API call with the policy:\n' +
        'container create (image registry, signature, vulnerabilities; privileged, host namespaces, Docker socket),\n' +
        'image pulls (trusted registries), plugin and swarm changes (--allow-users). A create whose body the plugin\n' +
        'cannot read is denied. Fail-closed: what it cannot decide is denied, unless --fail-open.\n' +
        'Runs in the foreground until SIGTERM. By default it is a small supervisor: it owns the plugin socket and\n' +
        'runs the decision worker (the policy engine) as a child process, restarting it with backoff when it exits.\n' +
        'While the worker is stopped, crashed, restarting or not answering within --worker-timeout, the supervisor\n' +
        'decides itself: state changes are denied ("the bulkhead policy engine is not running (fail-closed)"), reads\n' +
        '(GET/HEAD, so `docker ps`) are allowed; --fail-open allows everything. These decisions go to --events too.\n' +
        'If the whole plugin (the supervisor) stops, dockerd retries ~30 s and then refuses EVERY request, `docker ps`\n' +
        'included, until it is back: run it under a service manager that restarts it. --no-supervisor runs the\n' +
        'decision engine as the single process (no fallback while it is down).',
    )
    .requiredOption('--policy <file>', 'the policy file (YAML, docs/policy.md)')
    .option('--socket <path>', 'plugin socket (its name is the plugin name dockerd is given)', '/run/docker/plugins/bulkhead.sock')
    .option('--docker-host <socket>', 'the guarded daemon’s Engine API socket (image inspection and scans)', '/var/run/docker.sock')
    .option('--db <file>', 'vulnerability database for local scans')
    .option('--server <url>', 'take image findings from the Bulkhead server instead of scanning (with --token)')
    .option('--token <token>', 'API token for --server (or BULKHEAD_TOKEN)')
    .option('--events <file>', 'append every decision as a JSON line')
    .option('--spool <file>', 'with --server: decisions waiting for the server (default /var/lib/bulkhead/<name>-decisions-spool.db)')
    .option('--fail-open', 'ALLOW requests the plugin cannot decide (policy unreadable, database missing)')
    .option('--allow-users <names>', 'comma-separated users allowed plugin and swarm changes')
    .option('--cache-ttl <seconds>', 'how long a digest’s signatures and findings are reused', '600')
    .option('--no-supervisor', 'run the decision engine as the one process (no fail-closed answers while it is down)')
    .option('--worker-socket <path>', 'the decision worker’s private socket (default /run/bulkhead/<name>-worker.sock)')
    .option('--worker-timeout <seconds>', 'a decision the worker has not given by then is the supervisor’s (fail-closed)', '25')
    .option('--restart-backoff <seconds>', 'first delay before restarting a stopped worker (doubles per crash, up to 30 s)', '1')
    .addOption(new Option('--worker', 'internal: run as the decision worker of a supervisor').hideHelp())
    .action(async (flags: AuthzFlags) => {
      const reporter = ctx.reporter();
      const token = flags.token ?? process.env.BULKHEAD_TOKEN;
      if (flags.server && !token) throw new BulkheadError('USAGE', '--server needs --token (or BULKHEAD_TOKEN)');
      const ttl = seconds('--cache-ttl', flags.cacheTtl);
      if (flags.supervisor && !flags.worker) {
        const workerTimeout = seconds('--worker-timeout', flags.workerTimeout);
        const backoff = seconds('--restart-backoff', flags.restartBackoff);
        const workerSocket = flags.workerSocket ?? defaultWorkerSocket(flags.socket);
        // the supervisor imports nothing heavy: a process that never loads the policy is unlikely to die
        const { startAuthzSupervisor } = await import('../admission/docker/supervisor.js');
        const supervisor = await startAuthzSupervisor({
          socketPath: flags.socket,
          workerSocket,
          worker: { ...workerCommand(flags, workerSocket), env: { ...process.env, ...(token ? { BULKHEAD_TOKEN: token } : {}) } },
          workerTimeoutMs: workerTimeout * 1000,
          backoffMs: Math.max(backoff * 1000, 100),
          onMessage: (m) => reporter.warn(m),
          ...(flags.events ? { eventsFile: flags.events } : {}),
          ...(flags.failOpen ? { failOpen: true } : {}),
        });
        if (!(await supervisor.firstReady(60_000))) reporter.warn('decision worker not ready after 60 s: deciding fail-' + (flags.failOpen ? 'open' : 'closed'));
        reporter.warn(`authorization plugin listening on ${supervisor.socketPath} (decision worker pid ${supervisor.workerPid() ?? 'none'}); SIGTERM stops it`);
        await new Promise<void>((done) => {
          process.once('SIGTERM', done);
          process.once('SIGINT', done);
        });
        await supervisor.close();
        reporter.stop();
        return;
      }
      const { loadPolicy } = await import('../policy/index.js');
      const { startAuthzPlugin } = await import('../admission/index.js');
      let policy: Awaited<ReturnType<typeof loadPolicy>> | { unavailable: string };
      try {
        policy = await loadPolicy(flags.policy);
      } catch (e) {
        // the plugin still serves: reads pass, everything it would judge is denied (fail-closed)
        policy = { unavailable: `policy ${flags.policy} unreadable: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
        reporter.warn(policy.unavailable);
      }
      // every decision reaches the server (GET /api/v1/runtime/events?type=admission), spooled on disk until acknowledged
      let sender: import('../admission/docker/server-events.js').DecisionSender | undefined;
      if (flags.server && token) {
        const { startDecisionSender } = await import('../admission/docker/server-events.js');
        const spoolFile = flags.spool ?? defaultSpool(flags.socket);
        try {
          sender = startDecisionSender({ url: flags.server, token, spoolFile, plugin: basename(flags.socket).replace(/\.sock$/u, ''), reporter });
        } catch (e) {
          // the gate still decides; only the server's copy of the decisions is lost, so say so loudly
          reporter.warn(`decisions will NOT reach ${flags.server}: ${e instanceof Error ? e.message : String(e)} (use --spool FILE)`);
        }
      }
      const plugin = await startAuthzPlugin({
        socketPath: flags.worker ? (flags.workerSocket ?? defaultWorkerSocket(flags.socket)) : flags.socket,
        policy,
        policyDir: dirname(resolve(flags.policy)),
        dockerSocket: flags.dockerHost.replace(/^unix:\/\//u, ''),
        cacheTtlMs: ttl * 1000,
        onWarning: (m) => reporter.warn(m),
        ...(flags.db ? { dbPath: flags.db } : {}),
        ...(flags.server && token ? { server: { url: flags.server, token } } : {}),
        ...(flags.events ? { eventsFile: flags.events } : {}),
        ...(sender ? { onDecision: (event: import('../admission/docker/events.js').DecisionEvent) => sender.send(event) } : {}),
        ...(flags.failOpen ? { failOpen: true } : {}),
        ...(flags.allowUsers ? { allowUsers: flags.allowUsers.split(',').map((u) => u.trim()).filter(Boolean) } : {}),
      });
      reporter.warn(`${flags.worker ? 'decision worker serving' : 'authorization plugin listening'} on ${plugin.socketPath}; SIGTERM stops it`);
      await new Promise<void>((done) => {
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
        if (flags.worker && process.send) {
          // the supervisor's IPC channel: tell it we answer, and stop when it is gone (no orphaned worker)
          process.once('disconnect', done);
          process.send({ ready: true });
        }
      });
      await plugin.close();
      await sender?.close();
      reporter.stop();
    });
}
