#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { isBulkheadError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { cliReporter, type LogFormat } from './reporter.js';
import { sbomCommand } from './sbom.js';
import { scanCommand } from './scan.js';
import { dbCommand } from './db.js';
import { configCommand } from './config.js';
import { attestCommand, keyCommand, signCommand, verifyAttestationCommand, verifyCommand } from './trust.js';
import { policyCommand } from './policy.js';
import { agentCommand } from './agent.js';
import { auditCommand, serverCommand } from './server.js';
import { workerCommand } from './worker.js';
import { webhookCommand } from './webhook.js';
import { benchCommand } from './bench.js';
import { authzCommand } from './authz.js';
import { surfaceCommand } from './surface.js';
import { verifySignaturesForPolicy } from './policy-signatures.js';
import type { CliContext } from './context.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export async function main(argv: string[]): Promise<number> {
  let activeReporter: { stop(): void } | undefined;
  let exitCode: number = EXIT.OK;
  const program = new Command('bulkhead')
    .description('Bulkhead secures containers from the Dockerfile to the running process.')
    .version(pkg.version)
    .option('-q, --quiet', 'print results and errors only')
    .option('--debug', 'print debug logs')
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['plain', 'json']).default('plain'))
    .option('--no-progress', 'never draw progress bars')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const ctx: CliContext = {
    version: pkg.version,
    reporter: () => {
      const g = program.opts<{ quiet?: boolean; debug?: boolean; logFormat: LogFormat; progress: boolean }>();
      const r = cliReporter({ quiet: g.quiet ?? false, debug: g.debug ?? false, logFormat: g.logFormat, ...(g.progress ? {} : { progress: false }) });
      activeReporter = r;
      return r;
    },
    setExitCode: (c) => {
      exitCode = c;
    },
  };
  for (const make of [sbomCommand, scanCommand, configCommand, dbCommand, keyCommand, signCommand, verifyCommand, attestCommand, verifyAttestationCommand, agentCommand, serverCommand, workerCommand, auditCommand, webhookCommand, benchCommand, authzCommand, surfaceCommand]) program.addCommand(make(ctx).exitOverride());
  program.addCommand(policyCommand(ctx, { verifySignatures: verifySignaturesForPolicy }).exitOverride());

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    activeReporter?.stop();
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.OK; // --help, --version
      return EXIT.USAGE; // commander has printed the one-line error already
    }
    if (isBulkheadError(e)) {
      process.stderr.write(`bulkhead: error: ${e.message.split('\n')[0]} [${e.code}]\n`);
      return exitCodeFor(e.code);
    }
    const err = e as Error;
    process.stderr.write(`bulkhead: internal error: ${err?.message ?? String(e)}\n`);
    if (program.opts<{ debug?: boolean }>().debug && err?.stack) process.stderr.write(err.stack + '\n');
    return EXIT.INTERNAL;
  }
}

// a reader that stops early (`bulkhead ... | head`) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const code = await main(process.argv.slice(2));
process.exitCode = code;
