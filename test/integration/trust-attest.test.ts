/**
 * `bulkhead attest` and `verify-attestation` against a real registry (Debian's docker-registry on
 * loopback): an attested image verifies; a wrong key, another image's attestation and a wrong predicate
 * type are rejected with exit 1 and the reason. Keyless bundle files (real Sigstore test vectors, see
 * src/trust/testdata/sigstore/SOURCES.md) go through `verify` with identity, issuer and trusted root.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../src/image/registry/index.js';
import { attestationTag, DSSE_ENVELOPE_MEDIA_TYPE, generateKeyPair, IN_TOTO_PAYLOAD_TYPE, SIGNATURE_ANNOTATION } from '../../src/trust/index.js';
import { sigstoreFixtures } from '../../src/trust/sigstore-fixtures.js';
import { REPO_ROOT } from '../harness/cli.js';
import { requireCommand, runAllowFailure, type RunResult } from '../harness/exec.js';
import { buildOciLayout, pushLayout, startRegistry, type RunningRegistry } from '../harness/registry.js';

let registry: RunningRegistry;
let work: string;
let client: RegistryClient;
const digests: Record<string, string> = {};
const PASS = 'attest-passphrase';

const RUNNER = `
import { Command, CommanderError } from 'commander';
import { isBulkheadError } from '${REPO_ROOT}/src/errors.ts';
import { exitCodeFor } from '${REPO_ROOT}/src/cli/exit-codes.ts';
import { attestCommand, verifyAttestationCommand, verifyCommand } from '${REPO_ROOT}/src/cli/trust.ts';
const ctx = { version: 'test', reporter: () => ({ task: () => ({ advance() {}, setTotal() {}, done() {} }), warn() {}, debug() {}, stop() {} }), setExitCode: (c) => { process.exitCode = c; } };
const program = new Command('bulkhead').exitOverride();
for (const make of [attestCommand, verifyAttestationCommand, verifyCommand]) program.addCommand(make(ctx).exitOverride());
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else if (isBulkheadError(e)) { process.stderr.write('bulkhead: error: ' + e.message.split('\\n')[0] + ' [' + e.code + ']\\n'); process.exitCode = exitCodeFor(e.code); }
  else { process.stderr.write('bulkhead: internal error: ' + String(e) + '\\n'); process.exitCode = 70; }
}
`;

function bulkhead(args: string[]): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, BULKHEAD_PASSWORD: PASS };
  delete env['COSIGN_PASSWORD'];
  return runAllowFailure(process.execPath, ['--import', 'tsx', join(work, 'runner.mts'), ...args], { cwd: work, env, timeoutMs: 180_000 });
}

function assertRejected(result: RunResult, code: string, reason: RegExp): void {
  assert.equal(result.code, 1, `exit code 1 expected:\n${result.stdout}\n${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one-line error, got:\n${result.stderr}`);
  assert.match(lines[0]!, new RegExp(`\\[${code}\\]$`));
  assert.match(lines[0]!, reason);
}

async function push(name: string, content: string, target: string): Promise<string> {
  const layout = join(work, `layout-${name}`);
  const built = await buildOciLayout(layout, 't', [{ layers: [{ 'etc/marker': content }] }]);
  await pushLayout(registry, layout, 't', target);
  return built.images[0]!.manifestDigest;
}

before(async () => {
  requireCommand('skopeo', 'skopeo', 'pushes test images');
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-attest-'));
  writeFileSync(join(work, 'runner.mts'), RUNNER);
  client = new RegistryClient({ registry: registry.registry });
  digests['a'] = await push('a', 'image A', 'app:1');
  digests['b'] = await push('b', 'image B', 'app:b');
  digests['c'] = await push('c', 'image C', 'app:c');
  for (const [name, passphrase] of [['signer', PASS], ['other', PASS]] as const) {
    const pair = generateKeyPair({ passphrase });
    writeFileSync(join(work, `${name}.key`), pair.privateKeyPem);
    writeFileSync(join(work, `${name}.pub`), pair.publicKeyPem);
  }
  writeFileSync(join(work, 'provenance.json'), JSON.stringify({ builder: { id: 'https://ci.example/builder' }, note: 'attested in a test' }));
});

after(async () => {
  client?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('attest and verify-attestation', () => {
  test('an attested image verifies; the .att manifest has cosign\'s layout; a second attestation is appended', async () => {
    const image = `${registry.registry}/app:1`;
    const made = await bulkhead(['attest', image, '--key', 'signer.key', '--predicate', 'provenance.json', '--type', 'https://slsa.dev/provenance/v1']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, new RegExp(`Attested ${registry.registry}/app@${digests['a']} \\(https://slsa.dev/provenance/v1\\)`));

    const fetched = await client.getManifest('app', attestationTag(digests['a']!));
    const manifest = JSON.parse(fetched.bytes.toString()) as { layers: Array<{ mediaType: string; digest: string; annotations: Record<string, string> }> };
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0]!.mediaType, DSSE_ENVELOPE_MEDIA_TYPE);
    assert.equal(manifest.layers[0]!.annotations[SIGNATURE_ANNOTATION], '');
    assert.equal(manifest.layers[0]!.annotations['predicateType'], 'https://slsa.dev/provenance/v1');
    const envelope = JSON.parse((await client.getBlobBytes('app', manifest.layers[0]!.digest, { maxBytes: 1 << 20, what: 'envelope' })).toString()) as { payloadType: string; payload: string };
    assert.equal(envelope.payloadType, IN_TOTO_PAYLOAD_TYPE);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as Record<string, any>;
    assert.equal(statement['_type'], 'https://in-toto.io/Statement/v1');
    assert.deepEqual(statement['subject'], [{ name: `${registry.registry}/app`, digest: { sha256: digests['a']!.slice(7) } }]);
    assert.deepEqual(statement['predicate'], { builder: { id: 'https://ci.example/builder' }, note: 'attested in a test' });

    const ok = await bulkhead(['verify-attestation', image, '--key', 'signer.pub', '--type', 'https://slsa.dev/provenance/v1']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /OK .*https:\/\/slsa\.dev\/provenance\/v1 attestation signed by signer\.pub/);

    const second = await bulkhead(['attest', image, '--key', 'signer.key', '--predicate', 'provenance.json', '--type', 'cyclonedx']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /\(2 attestations\)/);
    const cdx = await bulkhead(['verify-attestation', image, '--key', 'signer.pub', '--type', 'cyclonedx', '-o', 'json']);
    assert.equal(cdx.code, 0, cdx.stderr);
    const result = JSON.parse(cdx.stdout) as { attestations: Array<{ status: string; predicateType: string }> };
    assert.deepEqual(result.attestations.map((a) => [a.predicateType, a.status]), [['https://slsa.dev/provenance/v1', 'type-mismatch'], ['https://cyclonedx.org/bom', 'valid']]);
  });

  test('a wrong key is rejected', async () => {
    assertRejected(await bulkhead(['verify-attestation', `${registry.registry}/app:1`, '--key', 'other.pub']), 'SIGNATURE_INVALID', /DSSE signature does not verify with other\.pub/);
  });

  test('a wrong predicate type is rejected', async () => {
    assertRejected(await bulkhead(['verify-attestation', `${registry.registry}/app:1`, '--key', 'signer.pub', '--type', 'spdxjson']), 'SIGNATURE_INVALID', /predicate type .* expected https:\/\/spdx\.dev\/Document/);
  });

  test('another image\'s attestation, copied to this image\'s .att tag, is rejected', async () => {
    const fetched = await client.getManifest('app', attestationTag(digests['a']!));
    await client.putManifest('app', attestationTag(digests['b']!), fetched.bytes, fetched.mediaType);
    assertRejected(await bulkhead(['verify-attestation', `${registry.registry}/app:b`, '--key', 'signer.pub']), 'SIGNATURE_INVALID', new RegExp(`subject digest mismatch: attested ${digests['a']}, image is ${digests['b']}`));
  });

  test('an image without attestations is reported missing', async () => {
    assertRejected(await bulkhead(['verify-attestation', `${registry.registry}/app:c`, '--key', 'signer.pub']), 'SIGNATURE_MISSING', /no attestation found/);
  });

  test('--sbom attests the image\'s CycloneDX SBOM', async () => {
    const image = `${registry.registry}/app:c`;
    const made = await bulkhead(['attest', image, '--key', 'signer.key', '--sbom']);
    assert.equal(made.code, 0, made.stderr);
    const ok = await bulkhead(['verify-attestation', image, '--key', 'signer.pub', '--type', 'cyclonedx', '-o', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    const result = JSON.parse(ok.stdout) as { attestations: Array<{ status: string; predicate: Record<string, unknown> }> };
    assert.equal(result.attestations[0]!.predicate['bomFormat'], 'CycloneDX');
  });

  test('--scan-result attests the scan result (type vuln)', async () => {
    const { updateVulnDb } = await import('../../src/vuln/index.js');
    const db = join(work, 'vuln.db');
    await updateVulnDb({ dbPath: db, source: join(REPO_ROOT, 'demo', 'osv') });
    const image = `${registry.registry}/app:c`;
    const made = await bulkhead(['attest', image, '--key', 'signer.key', '--scan-result', '--db', db]);
    assert.equal(made.code, 0, made.stderr);
    const ok = await bulkhead(['verify-attestation', image, '--key', 'signer.pub', '--type', 'vuln', '-o', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    const result = JSON.parse(ok.stdout) as { attestations: Array<{ status: string; predicateType: string; predicate: Record<string, unknown> }> };
    const scan = result.attestations.find((a) => a.status === 'valid' && (a.predicate['tool'] as { name?: string } | undefined)?.name === 'bulkhead');
    assert.ok(scan, JSON.stringify(result.attestations.map((a) => [a.status, a.predicateType])));
    assert.equal(scan.predicate['schemaVersion'], 1);
  });
});

describe('verify with keyless bundle files', () => {
  test('identity and issuer are checked before the bundle\'s claims; a bundle about another artifact is not accepted', async () => {
    const f = sigstoreFixtures();
    writeFileSync(join(work, 'trusted_root.json'), f.trustedRootJson);
    writeFileSync(join(work, 'dsse.json'), JSON.stringify((f.v1['DSSE']!['WITH_SIGNING_CERT'] as Record<string, unknown>)['TLOG_INTOTO']));
    writeFileSync(join(work, 'message.json'), JSON.stringify(f.v1['MESSAGE_SIGNATURE']!['WITH_SIGNING_CERT']));
    const image = `${registry.registry}/app:c`;
    const flags = ['--certificate-oidc-issuer', 'https://github.com/login/oauth', '--trusted-root', 'trusted_root.json', '--bundle', 'dsse.json', 'message.json', '-o', 'json'];
    const right = await bulkhead(['verify', image, '--certificate-identity', 'brian@dehamer.com', ...flags]);
    assert.equal(right.code, 1, right.stderr);
    const verdicts = (JSON.parse(right.stdout) as { signatures: Array<{ source: string; status: string; reason: string }> }).signatures;
    // The DSSE bundle passes every Sigstore check but signs "hello, world!", not a statement about this image.
    assert.deepEqual(verdicts.map((v) => [v.source, v.status]), [['file', 'malformed'], ['file', 'bad-signature']]);
    assert.match(verdicts[0]!.reason, /not an in-toto statement|not JSON/);

    const wrong = await bulkhead(['verify', image, '--certificate-identity', 'mallory@example.com', ...flags]);
    assert.equal(wrong.code, 1);
    const wrongVerdicts = (JSON.parse(wrong.stdout) as { signatures: Array<{ status: string; reason: string }> }).signatures;
    assert.equal(wrongVerdicts[0]!.status, 'identity-mismatch');
    assert.match(wrongVerdicts[0]!.reason, /expected mallory@example\.com, got brian@dehamer\.com/);

    const partial = await bulkhead(['verify', image, '--certificate-identity', 'brian@dehamer.com', '--bundle', 'dsse.json']);
    assert.equal(partial.code, 2);
    assert.match(partial.stderr, /needs --certificate-identity, --certificate-oidc-issuer and --trusted-root together/);
  });
});
