import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import { analyzeImage } from '../catalog/index.js';
import { encodeSbom } from '../sbom/index.js';
import type { AttestationVerifyResult, KeylessPolicy, NamedPublicKey, RegistryAccessOptions, VerifyResult } from '../trust/index.js';

/** The trust code (crypto, NaCl, Sigstore) is loaded when a command runs, not at start-up. */
const trust = () => import('../trust/index.js');
import type { CliContext } from './context.js';

interface RegistryFlags {
  insecure?: boolean;
  username?: string;
  passwordStdin?: boolean;
  dockerConfig?: string;
}

function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--insecure', 'allow plain HTTP and unverified TLS for non-loopback registries')
    .option('--username <name>', 'registry user name (password from --password-stdin)')
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--docker-config <file>', 'Docker client config with registry credentials (default ~/.docker/config.json)');
}

async function registryOptions(flags: RegistryFlags): Promise<RegistryAccessOptions> {
  const out: RegistryAccessOptions = {};
  if (flags.insecure) out.insecure = true;
  if (flags.dockerConfig) out.dockerConfig = flags.dockerConfig;
  if (flags.passwordStdin) {
    if (!flags.username) throw new BulkheadError('USAGE', '--password-stdin needs --username');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    out.username = flags.username;
    out.password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  } else if (flags.username) {
    throw new BulkheadError('USAGE', '--username needs --password-stdin (passwords are never taken on the command line)');
  }
  return out;
}

/**
 * The key passphrase: $BULKHEAD_PASSWORD, else $COSIGN_PASSWORD (cosign's variable, so the same CI
 * secrets work), else a prompt when standard input is a terminal, else an error.
 */
async function passphrase(purpose: string, confirm: boolean): Promise<string> {
  for (const name of ['BULKHEAD_PASSWORD', 'COSIGN_PASSWORD']) {
    const value = process.env[name];
    if (value !== undefined) return value;
  }
  if (!process.stdin.isTTY) {
    throw new BulkheadError('USAGE', `${purpose}: no passphrase: set BULKHEAD_PASSWORD (or COSIGN_PASSWORD), or run on a terminal to be asked`);
  }
  const first = await promptHidden(`Enter passphrase for ${purpose}: `);
  if (confirm && (await promptHidden('Enter passphrase again: ')) !== first) throw new BulkheadError('USAGE', `${purpose}: the passphrases do not match`);
  return first;
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(text);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new BulkheadError('USAGE', 'interrupted'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

async function readKeyFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new BulkheadError('INPUT_NOT_FOUND', `${path}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: path, cause: e });
  }
}

export function keyCommand(_ctx: CliContext): Command {
  const cmd = new Command('key').summary('create signing keys').description('Creates and manages keys for image signatures (cosign-compatible).');
  const generate = new Command('generate')
    .description(
      'Creates an ECDSA P-256 key pair: NAME.key, encrypted with a passphrase in cosign\'s format\n' +
        '(ENCRYPTED SIGSTORE PRIVATE KEY), and NAME.pub (PEM public key). The passphrase comes from\n' +
        'BULKHEAD_PASSWORD or COSIGN_PASSWORD, else it is asked for on the terminal.',
    )
    .option('--output-key-prefix <name>', 'file name prefix for NAME.key and NAME.pub', 'cosign')
    .option('--force', 'overwrite existing key files')
    .action(async (flags: { outputKeyPrefix: string; force?: boolean }) => {
      const pass = await passphrase(`${flags.outputKeyPrefix}.key`, true);
      const pair = (await trust()).generateKeyPair({ passphrase: pass });
      const flag = flags.force ? 'w' : 'wx';
      try {
        await writeFile(`${flags.outputKeyPrefix}.key`, pair.privateKeyPem, { mode: 0o600, flag });
        await writeFile(`${flags.outputKeyPrefix}.pub`, pair.publicKeyPem, { mode: 0o644, flag });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new BulkheadError('OUTPUT_FAILED', `${flags.outputKeyPrefix}.key or .pub already exists; use --force to overwrite`, { input: flags.outputKeyPrefix, cause: e });
        throw new BulkheadError('OUTPUT_FAILED', `${flags.outputKeyPrefix}: cannot write the key files (${code ?? String(e)})`, { input: flags.outputKeyPrefix, cause: e });
      }
      process.stdout.write(`Private key written to ${flags.outputKeyPrefix}.key\nPublic key written to ${flags.outputKeyPrefix}.pub\n`);
    });
  cmd.addCommand(generate);
  return cmd;
}

export function signCommand(ctx: CliContext): Command {
  const cmd = new Command('sign')
    .summary('sign an image in a registry (cosign-compatible)')
    .description(
      'Resolves IMAGE to its digest and stores a signature of it in the registry, under the tag\n' +
        'sha256-<hex>.sig as cosign does (added to the signatures already there).',
    )
    .argument('<image>', 'REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <file>', 'private key: cosign format (passphrase from BULKHEAD_PASSWORD/COSIGN_PASSWORD) or PEM PKCS#8')
    .option('-a, --annotation <key=value...>', 'extra claims for the signed payload\'s "optional" section');
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: RegistryFlags & { key: string; annotation?: string[] }) => {
    const pem = await readKeyFile(flags.key, 'private key');
    const pass = (await trust()).privateKeyNeedsPassphrase(pem, flags.key) ? await passphrase(flags.key, false) : undefined;
    const key = (await trust()).loadPrivateKey(pem, { what: flags.key, ...(pass !== undefined ? { passphrase: pass } : {}) });
    const annotations: Record<string, string> = {};
    for (const a of flags.annotation ?? []) {
      const eq = a.indexOf('=');
      if (eq <= 0) throw new BulkheadError('USAGE', `--annotation "${a}": expected KEY=VALUE`);
      annotations[a.slice(0, eq)] = a.slice(eq + 1);
    }
    const reporter = ctx.reporter();
    const result = await (await trust()).signImage(image, key, { ...(await registryOptions(flags)), reporter, ...(Object.keys(annotations).length ? { annotations } : {}) });
    reporter.stop();
    process.stdout.write(
      `Signed ${result.dockerReference}@${result.digest}\n` +
        `Signature stored in ${result.dockerReference}:${result.signatureTag} (${result.signatureCount} signature${result.signatureCount === 1 ? '' : 's'})\n`,
    );
  });
  return cmd;
}

export function verifyCommand(ctx: CliContext): Command {
  const cmd = new Command('verify')
    .summary('verify an image\'s signatures with public keys or a signer identity')
    .description(
      'Resolves IMAGE to its digest and checks the signatures stored for it: the cosign .sig tag and\n' +
        'Sigstore bundles attached as OCI referrers (or given with --bundle). Keyless bundles are\n' +
        'verified offline against --trusted-root and must name --certificate-identity and\n' +
        '--certificate-oidc-issuer. Exits 0 when at least one signature verifies and names this digest\n' +
        '(and repository), 1 otherwise with the reason.',
    )
    .argument('<image>', 'REGISTRY/REPO[:TAG|@DIGEST]')
    .option('--key <file...>', 'public key(s) (PEM); a signature by any of them is enough')
    .option('--certificate-identity <id>', 'keyless: the signing certificate\'s subject alternative name (exact)')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer recorded in the certificate (exact)')
    .option('--trusted-root <file>', 'keyless: Sigstore trusted_root.json to verify certificates, logs and timestamps against')
    .option('--bundle <file...>', 'Sigstore bundle file(s) about IMAGE, checked besides those in the registry')
    .option('--signed-identity <repository>', 'repository the signatures must name (default: the image\'s own)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: RegistryFlags & KeylessFlags & { key?: string[]; bundle?: string[]; signedIdentity?: string; output: 'text' | 'json' }) => {
    const keys = await publicKeys(flags.key);
    const keyless = await keylessPolicy(flags);
    if (!keys.length && !keyless) throw new BulkheadError('USAGE', 'verify needs --key, or --certificate-identity with --certificate-oidc-issuer and --trusted-root');
    const bundles: Array<{ name: string; bytes: Buffer }> = [];
    for (const file of flags.bundle ?? []) bundles.push({ name: file, bytes: Buffer.from(await readKeyFile(file, 'bundle'), 'utf8') });
    const reporter = ctx.reporter();
    const result = await (await trust()).verifyImage(image, keys, {
      ...(await registryOptions(flags)), reporter,
      ...(flags.signedIdentity ? { signedRepository: flags.signedIdentity } : {}),
      ...(keyless ? { keyless } : {}),
      ...(bundles.length ? { bundles } : {}),
    });
    reporter.stop();
    for (const w of result.warnings) reporter.warn(w);
    process.stdout.write(flags.output === 'json' ? JSON.stringify(result, null, 2) + '\n' : renderText(result));
    if (!result.verified) throw failure(result);
  });
  return cmd;
}

interface KeylessFlags {
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
}

async function publicKeys(files: readonly string[] | undefined): Promise<NamedPublicKey[]> {
  const keys: NamedPublicKey[] = [];
  for (const file of files ?? []) keys.push({ name: basename(file), key: (await trust()).loadPublicKey(await readKeyFile(file, 'public key'), file) });
  return keys;
}

/** All three keyless flags or none: an identity without an issuer (or a root) proves nothing. */
async function keylessPolicy(flags: KeylessFlags): Promise<KeylessPolicy | undefined> {
  const given = [flags.certificateIdentity, flags.certificateOidcIssuer, flags.trustedRoot].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3 || !flags.certificateIdentity || !flags.certificateOidcIssuer || !flags.trustedRoot) {
    throw new BulkheadError('USAGE', 'keyless verification needs --certificate-identity, --certificate-oidc-issuer and --trusted-root together');
  }
  const trustMaterial = (await trust()).loadTrustMaterial(await readKeyFile(flags.trustedRoot, 'trusted root'), flags.trustedRoot);
  return { identity: flags.certificateIdentity, issuer: flags.certificateOidcIssuer, trustMaterial };
}

export function attestCommand(ctx: CliContext): Command {
  const cmd = new Command('attest')
    .summary('attach a signed in-toto attestation to an image (cosign-compatible)')
    .description(
      'Resolves IMAGE to its digest, wraps the predicate in an in-toto statement about it, signs it in a\n' +
        'DSSE envelope and stores it under the tag sha256-<hex>.att as cosign does (added to the\n' +
        'attestations already there). --sbom attests a CycloneDX SBOM of IMAGE made on the spot;\n' +
        '--scan-result attests the result of "bulkhead scan" (type vuln) made on the spot.',
    )
    .argument('<image>', 'REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <file>', 'private key: cosign format (passphrase from BULKHEAD_PASSWORD/COSIGN_PASSWORD) or PEM PKCS#8')
    .option('--predicate <file>', 'the predicate (JSON)')
    .option('--sbom', 'analyze IMAGE and attest its CycloneDX SBOM (type cyclonedx)')
    .option('--scan-result', 'scan IMAGE (vulnerabilities, secrets, configuration) and attest the scan result JSON (type vuln)')
    .option('--db <file>', 'vulnerability database for --scan-result (default ~/.cache/bulkhead/vuln.db)')
    .option('--type <type>', 'predicate type: cyclonedx, spdxjson, slsaprovenance, vuln, custom, ... or a URI');
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: RegistryFlags & { key: string; predicate?: string; sbom?: boolean; scanResult?: boolean; db?: string; type?: string }) => {
    if ([flags.predicate, flags.sbom, flags.scanResult].filter(Boolean).length !== 1) {
      throw new BulkheadError('USAGE', 'attest needs exactly one of --predicate FILE, --sbom or --scan-result');
    }
    const pem = await readKeyFile(flags.key, 'private key');
    const pass = (await trust()).privateKeyNeedsPassphrase(pem, flags.key) ? await passphrase(flags.key, false) : undefined;
    const key = (await trust()).loadPrivateKey(pem, { what: flags.key, ...(pass !== undefined ? { passphrase: pass } : {}) });
    const access = await registryOptions(flags);
    const reporter = ctx.reporter();
    let predicate: unknown;
    let type = flags.type;
    if (flags.sbom) {
      if (type && (await trust()).predicateTypeFor(type) !== (await trust()).predicateTypeFor('cyclonedx')) throw new BulkheadError('USAGE', `--sbom produces a CycloneDX SBOM; --type ${type} does not fit`);
      type = 'cyclonedx';
      const analysis = await analyzeImage(image, { ...access, reporter });
      predicate = JSON.parse(encodeSbom(analysis, 'cyclonedx-json', { toolVersion: ctx.version }));
    } else if (flags.scanResult) {
      if (type && (await trust()).predicateTypeFor(type) !== (await trust()).predicateTypeFor('vuln')) throw new BulkheadError('USAGE', `--scan-result produces a scan result; --type ${type} does not fit`);
      type = 'vuln';
      const { scanImage } = await import('../scan/index.js');
      const { result } = await scanImage(image, { ...access, reporter, toolVersion: ctx.version, ...(flags.db ? { dbPath: flags.db } : {}) });
      predicate = result;
    } else {
      const text = await readKeyFile(flags.predicate!, 'predicate');
      try {
        predicate = JSON.parse(text);
      } catch {
        throw new BulkheadError('USAGE', `${flags.predicate}: the predicate is not JSON`, { input: flags.predicate! });
      }
    }
    const predicateType = (await trust()).predicateTypeFor(type ?? 'custom');
    const result = await (await trust()).attestImage(image, key, { ...access, reporter, predicateType, predicate });
    reporter.stop();
    process.stdout.write(
      `Attested ${result.repository}@${result.digest} (${predicateType})\n` +
        `Attestation stored in ${result.repository}:${result.attestationTag} (${result.attestationCount} attestation${result.attestationCount === 1 ? '' : 's'})\n`,
    );
  });
  return cmd;
}

export function verifyAttestationCommand(ctx: CliContext): Command {
  const cmd = new Command('verify-attestation')
    .summary('verify an image\'s attestations with public keys')
    .description(
      'Resolves IMAGE to its digest and checks the attestations stored under sha256-<hex>.att: the DSSE\n' +
        'signature verifies with a given key, the statement\'s subject is this digest, and the predicate\n' +
        'type is --type when given. Exits 0 when one attestation passes, 1 otherwise with the reason.',
    )
    .argument('<image>', 'REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <file...>', 'public key(s) (PEM)')
    .option('--type <type>', 'predicate type the attestation must have: cyclonedx, spdxjson, ... or a URI')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: RegistryFlags & { key: string[]; type?: string; output: 'text' | 'json' }) => {
    const keys = await publicKeys(flags.key);
    const predicateType = flags.type ? (await trust()).predicateTypeFor(flags.type) : undefined;
    const reporter = ctx.reporter();
    const result = await (await trust()).verifyAttestations(image, keys, { ...(await registryOptions(flags)), reporter, ...(predicateType ? { predicateType } : {}) });
    reporter.stop();
    process.stdout.write(flags.output === 'json' ? JSON.stringify(result, null, 2) + '\n' : renderAttestations(result));
    if (!result.verified) {
      const target = `${result.repository}@${result.digest}`;
      if (result.attestations.length === 0) throw new BulkheadError('SIGNATURE_MISSING', `${target}: no attestation found (no .att tag)`, { input: result.reference });
      const reasons = [...new Set(result.attestations.map((a) => a.reason))].join('; ');
      throw new BulkheadError('SIGNATURE_INVALID', `${target}: no valid attestation: ${reasons}`, { input: result.reference });
    }
  });
  return cmd;
}

function renderAttestations(result: AttestationVerifyResult): string {
  const lines = [`${result.repository}@${result.digest}: ${result.attestations.length} attestation${result.attestations.length === 1 ? '' : 's'} found`];
  for (const a of result.attestations) lines.push(`  ${a.status === 'valid' ? 'OK  ' : 'FAIL'} ${a.location}: ${a.reason}`);
  return lines.join('\n') + '\n';
}

function renderText(result: VerifyResult): string {
  const lines = [`${result.repository}@${result.digest}: ${result.signatures.length} signature${result.signatures.length === 1 ? '' : 's'} found`];
  for (const s of result.signatures) lines.push(`  ${s.status === 'valid' ? 'OK  ' : 'FAIL'} ${s.source === 'tag' ? '.sig tag' : s.source === 'file' ? 'bundle file' : 'referrer'} ${s.location}: ${s.reason}`);
  return lines.join('\n') + '\n';
}

function failure(result: VerifyResult): BulkheadError {
  const target = `${result.repository}@${result.digest}`;
  if (result.signatures.length === 0) return new BulkheadError('SIGNATURE_MISSING', `${target}: no signature found (no .sig tag, no Sigstore bundle referrer or file)`, { input: result.reference });
  const reasons = [...new Set(result.signatures.map((s) => s.reason))].join('; ');
  return new BulkheadError('SIGNATURE_INVALID', `${target}: no valid signature: ${reasons}`, { input: result.reference });
}
