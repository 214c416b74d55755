/**
 * `bulkhead authz`: the Docker Engine authorization plugin in the foreground until SIGTERM
 * (enable it with `dockerd --authorization-plugin=bulkhead`). Flags → startAuthzPlugin.
 */
import { Command } from 'commander';
import { dirname, resolve } from 'node:path';
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
  failOpen?: boolean;
  allowUsers?: string;
  cacheTtl: string;
}

export function authzCommand(ctx: CliContext): Command {
  return new Command('authz')
    .summary('run the Docker authorization plugin (deploy gate)')
    .description(
      'Serves the Docker plugin API (authz) on a unix socket and judges every Engine API call with the policy:\n' +
        'container create (image registry, signature, vulnerabilities; privileged, host namespaces, Docker socket),\n' +
        'image pulls (trusted registries), plugin and swarm changes (--allow-users). A create whose body the plugin\n' +
        'cannot read is denied. Fail-closed: what it cannot decide is denied, unless --fail-open.\n' +
        'Runs in the foreground until SIGTERM; run it under a supervisor that restarts it (dockerd refuses every\n' +
        'request, `docker ps` included, once the plugin has been gone for 30 s).',
    )
    .requiredOption('--policy <file>', 'the policy file (YAML, docs/policy.md)')
    .option('--socket <path>', 'plugin socket (its name is the plugin name dockerd is given)', '/run/docker/plugins/bulkhead.sock')
    .option('--docker-host <socket>', 'the guarded daemon’s Engine API socket (image inspection and scans)', '/var/run/docker.sock')
    .option('--db <file>', 'vulnerability database for local scans')
    .option('--server <url>', 'take image findings from the Bulkhead server instead of scanning (with --token)')
    .option('--token <token>', 'API token for --server (or BULKHEAD_TOKEN)')
    .option('--events <file>', 'append every decision as a JSON line')
    .option('--fail-open', 'ALLOW requests the plugin cannot decide (policy unreadable, database missing)')
    .option('--allow-users <names>', 'comma-separated users allowed plugin and swarm changes')
    .option('--cache-ttl <seconds>', 'how long a digest’s signatures and findings are reused', '600')
    .action(async (flags: AuthzFlags) => {
      const reporter = ctx.reporter();
      const token = flags.token ?? process.env.BULKHEAD_TOKEN;
      if (flags.server && !token) throw new BulkheadError('USAGE', '--server needs --token (or BULKHEAD_TOKEN)');
      const ttl = Number(flags.cacheTtl);
      if (!Number.isFinite(ttl) || ttl < 0) throw new BulkheadError('USAGE', `--cache-ttl ${flags.cacheTtl}: not a number of seconds`);
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
      const plugin = await startAuthzPlugin({
        socketPath: flags.socket,
        policy,
        policyDir: dirname(resolve(flags.policy)),
        dockerSocket: flags.dockerHost.replace(/^unix:\/\//u, ''),
        cacheTtlMs: ttl * 1000,
        onWarning: (m) => reporter.warn(m),
        ...(flags.db ? { dbPath: flags.db } : {}),
        ...(flags.server && token ? { server: { url: flags.server, token } } : {}),
        ...(flags.events ? { eventsFile: flags.events } : {}),
        ...(flags.failOpen ? { failOpen: true } : {}),
        ...(flags.allowUsers ? { allowUsers: flags.allowUsers.split(',').map((u) => u.trim()).filter(Boolean) } : {}),
      });
      if (flags.server) reporter.warn('decisions are written as JSON lines only: the server has no admission-event endpoint yet');
      reporter.warn(`authorization plugin listening on ${plugin.socketPath}; SIGTERM stops it`);
      await new Promise<void>((done) => {
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
      });
      await plugin.close();
      reporter.stop();
    });
}
