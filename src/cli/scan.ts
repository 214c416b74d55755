import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Severity } from '../findings/types.js';
import type { IgnoreFile, VexStatement } from '../findings/index.js';
import { SCANNERS, type ScannerName } from '../findings/scan-result.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { parseSeverity } from '../scan/severity-order.js';
import { addImageOptions, analyzeOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';
import { EXIT } from './exit-codes.js';
import type { CliContext } from './context.js';

interface ScanFlags extends ImageFlags {
  format: ReportFormat;
  output?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  failOn?: string;
  ignorefile?: string;
  vex: string[];
  db?: string;
  maxDbAge: string;
  matchOwned?: boolean;
  scanners?: string;
  secretConfig?: string;
  malwareSignatures: string[];
  clamd?: string;
  maxImageAge: string;
  server?: string;
  token?: string;
}

const DEFAULT_IGNOREFILE = '.bulkheadignore.yaml';

export function scanCommand(ctx: CliContext): Command {
  const cmd = new Command('scan')
    .summary('find vulnerabilities, secrets, malware and misconfiguration in an image or SBOM')
    .description(
      'Lists the packages of an image (as "bulkhead sbom" does) and matches them against the local\n' +
        'vulnerability database (OSV data; fill it with "bulkhead db update"). Never needs the network\n' +
        'for the match itself.',
    )
    .argument('<image>', 'image reference, or sbom:PATH for an existing CycloneDX/SPDX document')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to FILE (written atomically)')
    .option('--severity <list>', `only report these severities (comma-separated: ${SEVERITIES.join(',')})`)
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fixed version yet')
    .option('--fail-on <severity>', 'exit 1 when an active finding is at or above SEVERITY (critical, high, medium, low, negligible)')
    .option('--ignorefile <file>', `suppression rules (default ./${DEFAULT_IGNOREFILE} when present)`)
    .option('--vex <file>', 'OpenVEX or CycloneDX VEX document (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--db <file>', 'vulnerability database (default ~/.cache/bulkhead/vuln.db)')
    .option('--max-db-age <days>', 'warn when the database is older than DAYS (0: never)', '7')
    .option('--match-owned', 'also match language packages installed by the OS package manager against their ecosystem')
    .option('--scanners <list>', `scanners to run (comma-separated: ${SCANNERS.join(',')}; default vuln,secret,config, plus malware when signatures or --clamd are given)`)
    .option('--secret-config <file>', 'custom secret rules and allowlists (YAML)')
    .option('--malware-signatures <file>', 'SHA-256 list or ClamAV .hdb/.hsb/.ndb signature file (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--clamd <address>', 'stream candidate files to a ClamAV daemon: tcp://HOST:PORT or unix:PATH')
    .option('--max-image-age <days>', 'image configuration check: report images older than DAYS (0: never)', '365')
    .option('--server <url>', 'upload the result to a Bulkhead server after the report is written')
    .option('--token <token>', 'API token for --server (operator role; default $BULKHEAD_TOKEN)');
  addImageOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 no finding at or above --fail-on (or no --fail-on), 1 the gate failed, 2 usage,
3 bad input (SBOM, ignore file, VEX, database), 4 bad image, 5 registry/daemon/network, 6 output.

Examples:
  bulkhead db update && bulkhead scan debian:12
  bulkhead scan docker-archive:app.tar --fail-on high --ignore-unfixed
  bulkhead scan oci:build/app --format sarif -o bulkhead.sarif
  bulkhead scan sbom:app.cdx.json --format markdown --vex app.openvex.json`,
  );
  cmd.action(async (image: string, flags: ScanFlags) => {
    const severities = flags.severity ? parseList(flags.severity, '--severity') : undefined;
    const failOn = flags.failOn ? parseList(flags.failOn, '--fail-on')[0] : undefined;
    if (failOn === 'unknown') throw new BulkheadError('USAGE', '--fail-on unknown: choose critical, high, medium, low or negligible');
    const scanners = flags.scanners ? parseScanners(flags.scanners) : undefined;
    const maxImageAgeDays = Number(flags.maxImageAge);
    if (!Number.isInteger(maxImageAgeDays) || maxImageAgeDays < 0) throw new BulkheadError('USAGE', `--max-image-age "${flags.maxImageAge}": expected a whole number of days`);
    for (const file of [flags.secretConfig, ...flags.malwareSignatures]) {
      if (file && !existsSync(file)) throw new BulkheadError('INPUT_NOT_FOUND', `${file}: no such file`, { input: file });
    }
    const maxDbAgeDays = Number(flags.maxDbAge);
    if (!Number.isInteger(maxDbAgeDays) || maxDbAgeDays < 0) throw new BulkheadError('USAGE', `--max-db-age "${flags.maxDbAge}": expected a whole number of days`);
    const { uploadTarget, uploadScan } = await import('./scan-upload.js');
    const upload = uploadTarget(flags.server, flags.token);
    // loaded on use: `bulkhead --help` should not pay for the database and report code
    const { loadIgnoreFile, loadVex, applySuppressions } = await import('../findings/index.js');
    const { renderReport } = await import('../report/index.js');
    const { gateViolations, scanImage } = await import('../scan/index.js');
    const ignorePath = flags.ignorefile ?? (existsSync(DEFAULT_IGNOREFILE) ? DEFAULT_IGNOREFILE : undefined);
    const ignore: IgnoreFile | undefined = ignorePath ? await loadIgnoreFile(ignorePath) : undefined;
    const vex: VexStatement[] = [];
    for (const file of flags.vex) vex.push(...(await loadVex(file)));

    const reporter = ctx.reporter();
    const options = await analyzeOptionsFrom(flags, reporter);
    const now = new Date();
    const { result, analysis } = await scanImage(image, {
      ...options,
      ...(flags.db ? { dbPath: flags.db } : {}),
      ...(severities ? { severities } : {}),
      ...(flags.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
      ...(failOn ? { failOn } : {}),
      ...(flags.matchOwned ? { matchOwnedLanguagePackages: true } : {}),
      maxDbAgeDays,
      maxImageAgeDays,
      ...(scanners ? { scanners } : {}),
      ...(flags.secretConfig ? { secretConfig: flags.secretConfig } : {}),
      ...(flags.malwareSignatures.length ? { malwareSignatures: flags.malwareSignatures } : {}),
      ...(flags.clamd ? { clamd: flags.clamd } : {}),
      toolVersion: ctx.version,
      now,
      suppress: (findings) => {
        if (!ignore && vex.length === 0) return { findings, warnings: [] };
        return applySuppressions(findings, { ...(ignore ? { ignore } : {}), ...(vex.length ? { vex } : {}) }, now);
      },
    });
    reporter.stop();
    // the analysis reported its own warnings as they happened
    for (const w of result.warnings.slice(analysis.warnings.length)) reporter.warn(w);
    const color = flags.format === 'table' && !flags.output && process.stdout.isTTY === true;
    const text = await renderReport(flags.format, result, { analysis, color, ...(process.stdout.columns ? { width: process.stdout.columns } : {}) });
    await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
    if (upload) {
      const receipt = await uploadScan(upload, result, analysis);
      reporter.warn(`uploaded to ${upload.server}: scan ${receipt.scanId} of ${receipt.imageDigest}`);
    }
    if (failOn) {
      const violations = gateViolations(result, failOn);
      if (violations.length > 0) {
        reporter.warn(`${violations.length} finding(s) at or above ${failOn}: the gate fails`);
        ctx.setExitCode(EXIT.POLICY_VIOLATION);
      }
    }
  });
  return cmd;
}

function parseScanners(value: string): ScannerName[] {
  const out: ScannerName[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(SCANNERS as readonly string[]).includes(part)) throw new BulkheadError('USAGE', `--scanners "${part}": expected one of ${SCANNERS.join(', ')}`, { input: value });
    out.push(part as ScannerName);
  }
  if (out.length === 0) throw new BulkheadError('USAGE', '--scanners: no scanner given');
  return out;
}

function parseList(value: string, flag: string): Severity[] {
  const out: Severity[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const s = parseSeverity(part);
    if (!s) throw new BulkheadError('USAGE', `${flag} "${part}": expected one of ${SEVERITIES.join(', ')}`, { input: value });
    out.push(s);
  }
  if (out.length === 0) throw new BulkheadError('USAGE', `${flag}: no severity given`);
  return out;
}
