import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import type { CliContext } from './context.js';
import { EXIT } from './exit-codes.js';

interface WebhookFlags {
  policy: string;
  tlsCert: string;
  tlsKey: string;
  listen: string;
  port: string;
  pss?: 'baseline' | 'restricted';
  warnOnly?: string;
  server?: string;
  token?: string;
  db?: string;
  insecureRegistry: boolean;
  cacheTtl: string;
  decisionTimeout: string;
}

/** `bulkhead webhook`: the Kubernetes admission webhook (src/admission/kubernetes), fail-closed, one JSON line per decision on stdout. */
export function webhookCommand(ctx: CliContext): Command {
  const cmd = new Command('webhook')
    .summary('run the Kubernetes validating/mutating admission webhook')
    .description(
      'Serves AdmissionReview v1 over HTTPS: POST /validate judges Pods and pod-owning controllers (Deployment,\n' +
        'ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) with the policy file, every container, init and ephemeral\n' +
        'container alike, plus the Pod Security Standards; POST /mutate also pins image tags to the digests it\n' +
        'verified (JSONPatch). GET /healthz. SIGHUP reloads the certificate and key. Manifests: deploy/.',
    )
    .requiredOption('--policy <file>', 'the policy file (YAML, docs/policy.md)')
    .requiredOption('--tls-cert <file>', 'PEM certificate (chain) served to the API server')
    .requiredOption('--tls-key <file>', 'PEM private key of the certificate')
    .option('--listen <host>', 'address to listen on', '0.0.0.0')
    .option('--port <n>', 'port to listen on', '8443')
    .addOption(new Option('--pss <level>', 'also enforce this Pod Security Standards level').choices(['baseline', 'restricted']))
    .option('--warn-only <rules>', 'comma-separated rules answered with warnings, not denials: policy rule ids, PSS-<control>, pss, image-resolution, or *')
    .option('--server <url>', 'platform server whose stored scans give the vulnerability facts (with --token)')
    .option('--token <token>', 'API token for --server (or BULKHEAD_TOKEN)')
    .option('--db <file>', 'local vulnerability database for scans made here when no --server is given')
    .option('--insecure-registry', 'allow registries over plain HTTP or with untrusted certificates', false)
    .option('--cache-ttl <seconds>', 'how long an image digest\'s facts (signatures, scan) are reused', '300')
    .option('--decision-timeout <ms>', 'answer with a denial when a decision takes longer (keep below the webhook timeoutSeconds)', '8000');
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 stopped by SIGINT/SIGTERM, 2 usage, 3 bad policy or certificate files.

Examples:
  bulkhead webhook --policy /etc/bulkhead/policy.yaml --tls-cert tls.crt --tls-key tls.key --pss restricted
  bulkhead webhook --policy policy.yaml --tls-cert tls.crt --tls-key tls.key --server https://bulkhead:8080 --token $T --warn-only image-age,PSS-seccompProfile_restricted`,
  );
  cmd.action(async (flags: WebhookFlags) => {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BulkheadError('USAGE', `--port ${flags.port}: not a port number`);
    const token = flags.token ?? process.env.BULKHEAD_TOKEN;
    if (flags.server && !token) throw new BulkheadError('USAGE', '--server needs --token (or BULKHEAD_TOKEN)');
    const ttl = Number(flags.cacheTtl);
    const decisionTimeoutMs = Number(flags.decisionTimeout);
    if (!(ttl >= 0) || !(decisionTimeoutMs > 0)) throw new BulkheadError('USAGE', '--cache-ttl and --decision-timeout take positive numbers');
    const { loadPolicy, PolicyInvalidError, RULE_IDS } = await import('../policy/index.js');
    const warnOnly = new Set((flags.warnOnly ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    for (const rule of warnOnly) {
      const known = rule === '*' || rule === 'pss' || rule === 'image-resolution' || rule.startsWith('PSS-') || (RULE_IDS as readonly string[]).includes(rule);
      if (!known) throw new BulkheadError('USAGE', `--warn-only ${rule}: not a rule (policy rule ids: ${RULE_IDS.join(', ')}; or PSS-<control>, pss, image-resolution, *)`, { input: rule });
    }
    let policy;
    try {
      policy = await loadPolicy(flags.policy);
    } catch (e) {
      if (!(e instanceof PolicyInvalidError)) throw e;
      process.stderr.write(`bulkhead: error: invalid policy ${flags.policy}:\n${e.problems.map((p) => `  ${p}\n`).join('')}`);
      ctx.setExitCode(EXIT.INPUT);
      return;
    }
    const tls = () => ({ cert: readPem(flags.tlsCert, 'certificate'), key: readPem(flags.tlsKey, 'key') });
    const { startWebhookServer, createImageResolver } = await import('../admission/kubernetes/index.js');
    const reporter = ctx.reporter();
    const resolver = createImageResolver({
      policy,
      policyDir: dirname(resolve(flags.policy)),
      ...(flags.server && token ? { server: { url: flags.server, token } } : {}),
      ...(flags.db ? { dbPath: flags.db } : {}),
      access: { ...(flags.insecureRegistry ? { insecure: true } : {}), reporter },
      factsTtlMs: ttl * 1000,
    });
    const webhook = await startWebhookServer(
      {
        tls: tls(),
        settings: { policy, ...(flags.pss ? { pss: flags.pss } : {}), warnOnly },
        resolve: resolver,
        decisionTimeoutMs,
        onDecision: (event) => process.stdout.write(JSON.stringify(event) + '\n'),
      },
      { host: flags.listen, port },
    );
    process.stderr.write(`bulkhead webhook: listening on https://${flags.listen}:${webhook.port} (/validate, /mutate, /healthz)\n`);
    process.on('SIGHUP', () => {
      try {
        webhook.reloadTls(tls());
        process.stderr.write('bulkhead webhook: certificate and key reloaded\n');
      } catch (e) {
        // a half-written rotation must not stop the webhook: keep serving the old pair
        reporter.warn(`certificate reload failed, the previous pair stays in use: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    await new Promise<void>((done) => {
      const stop = () => void webhook.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    reporter.stop();
  });
  return cmd;
}

function readPem(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BulkheadError('INPUT_NOT_FOUND', `${path}: TLS ${what} unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: path, cause: e });
  }
  if (!text.includes('-----BEGIN')) throw new BulkheadError('INPUT_INVALID', `${path}: TLS ${what} is not PEM`, { input: path });
  return text;
}
