import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { BulkheadError } from '../errors.js';
import type { ScannerName } from '../findings/scan-result.js';
import type { Policy, PolicyFacts, PolicyResult, SignatureFacts, SignatureRequirement } from '../policy/index.js';
import { addImageOptions, analyzeOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';
import { EXIT } from './exit-codes.js';
import type { CliContext } from './context.js';

interface PolicyCheckFlags extends ImageFlags {
  policy: string;
  db?: string;
  format: 'table' | 'json';
  output?: string;
  malwareSignatures: string[];
  clamd?: string;
}

/**
 * Verifies an image's signatures against the policy's requirement (keys, keyless identities) and
 * returns what it found. Wired to the trust module by the program; absent, the signature rule is
 * skipped and says so.
 */
export type VerifySignatures = (reference: string, requirement: SignatureRequirement) => Promise<SignatureFacts[]>;

export interface PolicyCommandDeps {
  verifySignatures?: VerifySignatures;
}

/** `bulkhead policy check IMAGE --policy FILE`: scan, build facts, evaluate, print, exit 1 on violation. */
export function policyCommand(ctx: CliContext, deps: PolicyCommandDeps = {}): Command {
  const policy = new Command('policy').summary('check images against a policy file').description('Policy as code: one YAML file, the same decision in CI, at admission and at runtime (docs/policy.md).');
  const check = new Command('check')
    .summary('scan an image and judge it against a policy')
    .description('Runs the scanners the policy needs, then prints each rule\'s verdict with its evidence.')
    .argument('<image>', 'image reference (as for "bulkhead scan")')
    .requiredOption('--policy <file>', 'the policy file (YAML)')
    .option('--db <file>', 'vulnerability database (default ~/.cache/bulkhead/vuln.db); needed when the policy has vulnerability rules')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the result to FILE (written atomically)')
    .option('--malware-signatures <file>', 'SHA-256 list or ClamAV .hdb/.hsb/.ndb signature file (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--clamd <address>', 'stream candidate files to a ClamAV daemon: tcp://HOST:PORT or unix:PATH');
  addImageOptions(check);
  check.addHelpText(
    'after',
    `
Exit codes: 0 every rule passed (or was excepted or skipped), 1 a rule failed, 2 usage,
3 bad policy file or database, 4 bad image, 5 registry/daemon/network, 6 output.

Examples:
  bulkhead policy check registry.example.com/team/app:1.4 --policy policy.yaml
  bulkhead policy check docker-archive:app.tar --policy policy.yaml --format json -o verdict.json`,
  );
  check.action(async (image: string, flags: PolicyCheckFlags) => {
    for (const file of flags.malwareSignatures) {
      if (!existsSync(file)) throw new BulkheadError('INPUT_NOT_FOUND', `${file}: no such file`, { input: file });
    }
    const { loadPolicy, PolicyInvalidError, evaluatePolicy, factsFromScan } = await import('../policy/index.js');
    let loaded: Policy;
    try {
      loaded = await loadPolicy(flags.policy);
    } catch (e) {
      // every problem of the file at once, one per line: fixing them one run at a time is tedious
      if (!(e instanceof PolicyInvalidError)) throw e;
      process.stderr.write(`bulkhead: error: invalid policy ${flags.policy}:\n${e.problems.map((p) => `  ${p}\n`).join('')}`);
      ctx.setExitCode(EXIT.INPUT);
      return;
    }
    const { scanImage } = await import('../scan/index.js');
    const reporter = ctx.reporter();
    const options = await analyzeOptionsFrom(flags, reporter);
    const now = new Date();
    const { result, analysis } = await scanImage(image, {
      ...options,
      ...(flags.db ? { dbPath: flags.db } : {}),
      scanners: scannersFor(loaded),
      ...(flags.malwareSignatures.length ? { malwareSignatures: flags.malwareSignatures } : {}),
      ...(flags.clamd ? { clamd: flags.clamd } : {}),
      toolVersion: ctx.version,
      now,
    });
    const facts: PolicyFacts = factsFromScan(result, analysis);
    const requirement = loaded.trust?.signatures;
    if (requirement) {
      if (deps.verifySignatures) facts.signatures = await deps.verifySignatures(result.image.reference, requirement);
      else facts.absentBecause = { ...facts.absentBecause, signatures: 'signature verification not available' };
    }
    facts.absentBecause = { ...facts.absentBecause, deployment: 'deployment facts are not known to an image check (judged at admission or runtime)' };
    const verdict = evaluatePolicy(loaded, facts, now);
    reporter.stop();
    for (const w of result.warnings.slice(analysis.warnings.length)) reporter.warn(w);
    for (const w of verdict.warnings) reporter.warn(w);
    const text = flags.format === 'json' ? JSON.stringify(verdict, null, 2) + '\n' : renderTable(verdict, result.image.reference);
    await writeOutput(text, flags.output);
    if (verdict.verdict === 'fail') ctx.setExitCode(EXIT.POLICY_VIOLATION);
  });
  // commander's own usage errors must reach the program as exceptions (exit 2), not exit(1): 1 means "policy violated"
  policy.addCommand(check.exitOverride());
  return policy;
}

/**
 * The scanners a policy needs: vulnerabilities only for vulnerability rules (package and license
 * rules read the package list, which every scan makes), secret and malware when forbidden. The
 * image configuration rules read the configuration itself, so `config` runs only when nothing
 * else does (a scan needs one scanner).
 */
export function scannersFor(policy: Policy): ScannerName[] {
  const out: ScannerName[] = [];
  const v = policy.vulnerabilities;
  if (v && (v.maxSeverity !== undefined || v.maxCvss !== undefined || v.forbidKev)) out.push('vuln');
  if (policy.secrets?.forbid) out.push('secret');
  if (policy.malware?.forbid) out.push('malware');
  return out.length ? out : ['config'];
}

/** RULE, VERDICT, EVIDENCE; further evidence lines continue under EVIDENCE. Warnings first: they must be seen. */
export function renderTable(result: PolicyResult, reference: string): string {
  const lines: string[] = [];
  for (const w of result.warnings) lines.push(`WARNING: ${w}`);
  if (result.warnings.length) lines.push('');
  const rows: [string, string, string][] = [['RULE', 'VERDICT', 'EVIDENCE']];
  for (const r of result.rules) {
    const evidence = [...r.evidence];
    if (r.exception) evidence.push(`exception: ${r.exception.reason} (owner ${r.exception.owner}, expires ${r.exception.expires})`);
    rows.push([r.id, r.verdict.toUpperCase(), evidence[0] ?? '']);
    for (const more of evidence.slice(1)) rows.push(['', '', more]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, b, c] of rows) lines.push(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd());
  const failed = result.rules.filter((r) => r.verdict === 'fail').length;
  const skipped = result.rules.filter((r) => r.verdict === 'skipped').length;
  lines.push('');
  lines.push(
    `${reference}: policy ${result.verdict.toUpperCase()} (${result.rules.length} rules: ${failed} failed, ${skipped} skipped, ` +
      `${result.rules.filter((r) => r.verdict === 'excepted').length} excepted)`,
  );
  return lines.join('\n') + '\n';
}
