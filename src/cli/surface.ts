import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BulkheadError } from '../errors.js';
import { parseDuration } from '../policy/duration.js';
import type { UsageRecord } from '../runtime/usage/types.js';
import { addImageOptions, analyzeOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

interface SurfaceFlags extends ImageFlags {
  usage?: string;
  stateDir?: string;
  db?: string;
  format: 'table' | 'json' | 'markdown';
  vex?: string;
  seccomp?: string;
  minWindow: string;
  output?: string;
}

/** The dpkg status is read whole; 64 MiB is far above the largest seen (a full desktop is ~4 MiB). */
const MAX_STATUS_BYTES = 64 * 1024 * 1024;

export function surfaceCommand(ctx: CliContext): Command {
  const cmd = new Command('surface')
    .summary('what an image holds against what its containers used: packages and tools to drop, capabilities, seccomp')
    .description(
      'Joins the image\'s packages and file ownership with the usage the runtime agent recorded for it\n' +
        '(executables run, libraries mapped, files read, capabilities, system calls) and lists packages\n' +
        'never used with the size each would save, attacker-useful tools never run, the smallest\n' +
        'capability set, a seccomp profile, and vulnerabilities split by whether their code ran.',
    )
    .argument('<image>', 'image reference (registry, docker-daemon:, docker-archive:, oci:...)')
    .option('--usage <file>', 'usage record to use (default: the agent\'s record for the image id)')
    .option('--state-dir <dir>', 'the agent\'s state folder (default $BULKHEAD_STATE_DIR or /var/lib/bulkhead)')
    .option('--db <file>', 'vulnerability database for the vulnerability split (default ~/.cache/bulkhead/vuln.db when present)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['table', 'json', 'markdown']).default('table'))
    .option('--vex <file>', 'write an OpenVEX document for vulnerabilities in packages never loaded')
    .option('--seccomp <file>', 'write a seccomp profile from the observed system calls')
    .option('--min-window <duration>', 'warn when the observation is shorter (30s, 10m, 2h, 1d)', '10m')
    .option('-o, --output <file>', 'write the report to FILE (written atomically)');
  addImageOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 report written, 2 usage, 3 no usage record for the image (or a bad one, or a bad
database), 4 bad image, 5 registry/daemon, 6 output.

Examples:
  bulkhead surface docker-daemon:myapp:1.4
  bulkhead surface registry.example.com/app:1 --usage app.usage.json --format markdown
  bulkhead surface docker-daemon:myapp:1.4 --seccomp app.seccomp.json --vex app.openvex.json`,
  );
  cmd.action(async (image: string, flags: SurfaceFlags) => {
    const minWindowMs = parseDuration(flags.minWindow);
    if (minWindowMs === undefined) throw new BulkheadError('USAGE', `--min-window "${flags.minWindow}": expected a number and a unit (30s, 10m, 2h, 1d)`, { input: flags.minWindow });
    if (flags.usage && !existsSync(flags.usage)) throw new BulkheadError('INPUT_NOT_FOUND', `${flags.usage}: no such usage record`, { input: flags.usage });
    const reporter = ctx.reporter();
    const options = await analyzeOptionsFrom(flags, reporter);
    const { defaultDbPath } = await import('../vuln/index.js');
    const dbPath = flags.db ?? defaultDbPath();
    const withVulns = flags.db !== undefined || existsSync(dbPath);
    let analysis;
    let scan;
    if (withVulns) {
      const { scanImage } = await import('../scan/index.js');
      ({ analysis, result: scan } = await scanImage(image, { ...options, dbPath, scanners: ['vuln'], toolVersion: ctx.version }));
    } else {
      const { analyzeImage } = await import('../catalog/index.js');
      analysis = await analyzeImage(image, options);
      reporter.warn(`no vulnerability database at ${dbPath}: the vulnerability split is left out (run "bulkhead db update")`);
    }
    const usage = await findUsage(flags, analysis.image.configDigest, image);
    const surface = await import('../surface/index.js');
    const status = analysis.packages.some((p) => p.type === 'deb')
      ? await surface.readImageFile(image, analysis, 'var/lib/dpkg/status', MAX_STATUS_BYTES, options)
      : undefined;
    const now = new Date();
    const report = surface.analyzeSurface({
      analysis,
      usage,
      ...(scan ? { scan } : {}),
      ...(status ? { dpkgStatus: status.toString('utf8') } : {}),
      options: { minWindowSeconds: minWindowMs / 1000, now, toolVersion: ctx.version },
    });
    reporter.stop();
    for (const w of report.warnings) reporter.warn(w);
    if (flags.seccomp) {
      if (!report.seccomp) throw new BulkheadError('INPUT_INVALID', `--seccomp ${flags.seccomp}: the usage record of ${usage.imageId} has no system calls (the agent recorded without them)`, { input: flags.seccomp });
      await writeOutput(JSON.stringify(report.seccomp, null, 2) + '\n', flags.seccomp);
    }
    if (flags.vex) {
      if (!report.vulnerabilities) throw new BulkheadError('VULN_DB_MISSING', `--vex ${flags.vex}: needs a vulnerability database (--db, or run "bulkhead db update")`, { input: flags.vex });
      const doc = surface.surfaceOpenVex(report.vulnerabilities.notLoaded, report.coverage, { reference: analysis.image.reference, ...purlOf(surface, analysis) }, now, ctx.version);
      await writeOutput(JSON.stringify(doc, null, 2) + '\n', flags.vex);
    }
    const text = flags.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : surface.renderSurface(report, flags.format);
    await writeOutput(text, flags.output);
  });
  return cmd;
}

function purlOf(surface: typeof import('../surface/index.js'), analysis: { image: { name?: string; manifestDigest?: string; configDigest?: string } }): { purl?: string } {
  const purl = surface.imagePurl(analysis.image.name, analysis.image.manifestDigest ?? analysis.image.configDigest);
  return purl ? { purl } : {};
}

/** The record given with --usage, else the agent's record stored under the image id. */
async function findUsage(flags: SurfaceFlags, imageId: string | undefined, image: string): Promise<UsageRecord> {
  if (flags.usage) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(flags.usage, 'utf8'));
    } catch (e) {
      throw new BulkheadError('INPUT_INVALID', `${flags.usage}: not a JSON usage record (${(e as Error).message.split('\n')[0]})`, { input: flags.usage, cause: e });
    }
    const r = value as Partial<UsageRecord>;
    if (r?.schema !== 1 || typeof r.imageId !== 'string' || typeof r.executables !== 'object' || typeof r.sources !== 'object') {
      throw new BulkheadError('INPUT_INVALID', `${flags.usage}: not a schema 1 usage record`, { input: flags.usage });
    }
    return r as UsageRecord;
  }
  const stateDir = flags.stateDir ?? process.env['BULKHEAD_STATE_DIR'] ?? '/var/lib/bulkhead';
  if (!imageId) throw new BulkheadError('INPUT_NOT_FOUND', `${image}: the image has no config digest to find its usage record by; give --usage FILE`, { input: image });
  const { loadUsage } = await import('../runtime/usage/store.js');
  const record = await loadUsage(stateDir, imageId);
  if (!record) throw new BulkheadError('INPUT_NOT_FOUND', `${image}: no usage record for ${imageId} in ${stateDir}/usage (run "bulkhead agent" while its containers run, or give --usage FILE)`, { input: image });
  return record;
}
