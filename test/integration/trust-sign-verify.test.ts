/**
 * `bulkhead key generate`, `sign` and `verify` against a real registry (Debian's docker-registry on
 * loopback): a signed image verifies; each tampering is rejected with exit 1 and a reason naming what
 * failed. skopeo (containers/image) reads the signatures Bulkhead stores and writes them back in its
 * own way, and Bulkhead verifies those. Sigstore bundles attached as referrers (referrers tag schema,
 * since this registry has no referrers API) are verified when key-based and reported when keyless.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../src/image/registry/index.js';
import {
  buildSimpleSigningPayload, generateKeyPair, judgeSimpleSigning, loadPrivateKey, loadPublicKey, signatureTag, signBytes, signImage,
  SIGNATURE_ANNOTATION, verifyBytes, verifyImage, type NamedPublicKey,
} from '../../src/trust/index.js';
import { REPO_ROOT } from '../harness/cli.js';
import { requireCommand, run, runAllowFailure, type RunResult } from '../harness/exec.js';
import { blobDataPath, buildOciLayout, pushLayout, startRegistry, type RunningRegistry } from '../harness/registry.js';

let registry: RunningRegistry;
let work: string;
let client: RegistryClient;
const digests: Record<string, string> = {};
const PASS = 'test-passphrase';

/** A commander program with the trust commands, run as a separate process the way main.ts runs them. */
const RUNNER = `
import { Command, CommanderError } from 'commander';
import { isBulkheadError } from '${REPO_ROOT}/src/errors.ts';
import { exitCodeFor } from '${REPO_ROOT}/src/cli/exit-codes.ts';
import { keyCommand, signCommand, verifyCommand } from '${REPO_ROOT}/src/cli/trust.ts';
const ctx = { version: 'test', reporter: () => ({ task: () => ({ advance() {}, setTotal() {}, done() {} }), warn() {}, debug() {}, stop() {} }), setExitCode: (c) => { process.exitCode = c; } };
const program = new Command('bulkhead').exitOverride();
for (const make of [keyCommand, signCommand, verifyCommand]) program.addCommand(make(ctx).exitOverride());
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else if (isBulkheadError(e)) { process.stderr.write('bulkhead: error: ' + e.message.split('\\n')[0] + ' [' + e.code + ']\\n'); process.exitCode = exitCodeFor(e.code); }
  else { process.stderr.write('bulkhead: internal error: ' + String(e) + '\\n'); process.exitCode = 70; }
}
`;

function bulkhead(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  const environment: Record<string, string | undefined> = { ...process.env, BULKHEAD_PASSWORD: undefined, COSIGN_PASSWORD: undefined, ...env };
  for (const k of Object.keys(environment)) if (environment[k] === undefined) delete environment[k];
  return runAllowFailure(process.execPath, ['--import', 'tsx', join(work, 'runner.mts'), ...args], { cwd: work, env: environment as NodeJS.ProcessEnv, timeoutMs: 120_000 });
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
  requireCommand('skopeo', 'skopeo', 'pushes test images and reads cosign signature attachments');
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-trust-'));
  writeFileSync(join(work, 'runner.mts'), RUNNER);
  client = new RegistryClient({ registry: registry.registry });
  digests['a'] = await push('a', 'image A', 'app:1');
  digests['b'] = await push('b', 'image B', 'app:b');
  for (const repo of ['swap', 'annot', 'blob', 'unsigned', 'bundle']) await pushLayout(registry, join(work, 'layout-a'), 't', `${repo}:1`);
});

after(async () => {
  client?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('key generate', () => {
  test('writes NAME.key (cosign format) and NAME.pub; passphrase from BULKHEAD_PASSWORD or COSIGN_PASSWORD', async () => {
    const made = await bulkhead(['key', 'generate', '--output-key-prefix', 'signer'], { BULKHEAD_PASSWORD: PASS });
    assert.equal(made.code, 0, made.stderr);
    const pem = readFileSync(join(work, 'signer.key'), 'utf8');
    assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    const key = loadPrivateKey(pem, { passphrase: PASS });
    const pub = loadPublicKey(readFileSync(join(work, 'signer.pub'), 'utf8'));
    const data = Buffer.from('x');
    assert.ok(verifyBytes(data, signBytes(data, key), pub), 'the .pub is the public half of the .key');
    assert.equal(pub.export({ type: 'spki', format: 'pem' }), readFileSync(join(work, 'signer.pub'), 'utf8'));

    const cosignVar = await bulkhead(['key', 'generate', '--output-key-prefix', 'other'], { COSIGN_PASSWORD: 'other-pass' });
    assert.equal(cosignVar.code, 0, cosignVar.stderr);
    loadPrivateKey(readFileSync(join(work, 'other.key'), 'utf8'), { passphrase: 'other-pass' });

    const again = await bulkhead(['key', 'generate', '--output-key-prefix', 'signer'], { BULKHEAD_PASSWORD: PASS });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already exists/);
    const noPass = await bulkhead(['key', 'generate', '--output-key-prefix', 'nopass']);
    assert.equal(noPass.code, 2);
    assert.match(noPass.stderr, /no passphrase: set BULKHEAD_PASSWORD/);
  });
});

describe('sign and verify', () => {
  test('a signed image verifies; a second signature is appended to the same .sig manifest', async () => {
    const signed = await bulkhead(['sign', `${registry.registry}/app:1`, '--key', 'signer.key'], { BULKHEAD_PASSWORD: PASS });
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, new RegExp(`Signed ${registry.registry}/app@${digests['a']}`));
    const ok = await bulkhead(['verify', `${registry.registry}/app:1`, '--key', 'signer.pub']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /OK +\.sig tag .*signed by signer\.pub/);

    const second = await signImage(`${registry.registry}/app:1`, loadPrivateKey(readFileSync(join(work, 'other.key'), 'utf8'), { passphrase: 'other-pass' }));
    assert.equal(second.signatureCount, 2);
    const manifest = JSON.parse((await client.getManifest('app', signatureTag(digests['a']!))).bytes.toString());
    assert.equal(manifest.layers.length, 2);
    assert.equal(manifest.layers[0].mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = await client.getBlobBytes('app', manifest.layers[0].digest);
    assert.deepEqual(JSON.parse(payload.toString()), {
      critical: { identity: { 'docker-reference': `${registry.registry}/app` }, image: { 'docker-manifest-digest': digests['a'] }, type: 'cosign container image signature' },
      optional: null,
    });
    const both = await verifyImage(`${registry.registry}/app@${digests['a']}`, keys('signer.pub', 'other.pub'));
    assert.deepEqual(both.signatures.map((s) => [s.status, s.keyName]), [['valid', 'signer.pub'], ['valid', 'other.pub']]);
  });

  test('the wrong key is rejected', async () => {
    const { publicKeyPem } = generateKeyPair();
    writeFileSync(join(work, 'wrong.pub'), publicKeyPem);
    assertRejected(await bulkhead(['verify', `${registry.registry}/app:1`, '--key', 'wrong.pub']), 'SIGNATURE_INVALID', /signature does not verify with wrong\.pub/);
  });

  test('an image never signed has no signature', async () => {
    assertRejected(await bulkhead(['verify', `${registry.registry}/unsigned:1`, '--key', 'signer.pub']), 'SIGNATURE_MISSING', /no signature found/);
  });

  test('a different image pushed under the signed tag is not covered by the signature', async () => {
    await signImage(`${registry.registry}/swap:1`, signerKey());
    assert.equal((await verifyImage(`${registry.registry}/swap:1`, keys('signer.pub'))).verified, true);
    await pushLayout(registry, join(work, 'layout-b'), 't', 'swap:1');
    assertRejected(await bulkhead(['verify', `${registry.registry}/swap:1`, '--key', 'signer.pub']), 'SIGNATURE_MISSING', new RegExp(`swap@${digests['b']}: no signature found`));
  });

  test('a signature of another digest presented as this image\'s is a digest mismatch', async () => {
    const sig = await client.getManifest('app', signatureTag(digests['a']!));
    await client.putManifest('app', signatureTag(digests['b']!), sig.bytes, sig.mediaType);
    assertRejected(
      await bulkhead(['verify', `${registry.registry}/app:b`, '--key', 'signer.pub']), 'SIGNATURE_INVALID',
      new RegExp(`digest mismatch: signed ${digests['a']}, image is ${digests['b']}`),
    );
  });

  test('an altered signature annotation does not verify', async () => {
    await signImage(`${registry.registry}/annot:1`, signerKey());
    const tag = signatureTag(digests['a']!);
    const manifest = JSON.parse((await client.getManifest('annot', tag)).bytes.toString());
    const sig = Buffer.from(manifest.layers[0].annotations[SIGNATURE_ANNOTATION], 'base64');
    sig[sig.length - 2] = sig[sig.length - 2]! ^ 0x01;
    manifest.layers[0].annotations[SIGNATURE_ANNOTATION] = sig.toString('base64');
    await client.putManifest('annot', tag, Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');
    assertRejected(await bulkhead(['verify', `${registry.registry}/annot:1`, '--key', 'signer.pub']), 'SIGNATURE_INVALID', /signature does not verify with signer\.pub/);
  });

  test('an altered payload blob is refused (in storage, and re-uploaded under its new digest)', async () => {
    const signed = await signImage(`${registry.registry}/blob:1`, signerKey());
    const tag = signatureTag(digests['a']!);
    const manifest = JSON.parse((await client.getManifest('blob', tag)).bytes.toString());
    // A forged payload for another digest, uploaded properly, with the original signature kept.
    const forged = buildSimpleSigningPayload({ dockerReference: `${registry.registry}/blob`, manifestDigest: digests['b']! });
    const forgedDigest = await client.uploadBlob('blob', forged);
    manifest.layers[0] = { ...manifest.layers[0], digest: forgedDigest, size: forged.length };
    await client.putManifest('blob', tag, Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');
    assertRejected(await bulkhead(['verify', `${registry.registry}/blob:1`, '--key', 'signer.pub']), 'SIGNATURE_INVALID', /signature does not verify with signer\.pub/);

    // The registry's stored payload changed under its digest: the blob no longer matches it.
    const file = blobDataPath(registry, signed.payloadDigest);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"optional":null', '"optional":true'));
    const result = await verifyImage(`${registry.registry}/app@${digests['a']}`, keys('signer.pub', 'other.pub'));
    assert.equal(result.verified, true, 'other repositories keep their own blobs');
    manifest.layers[0] = { ...manifest.layers[0], digest: signed.payloadDigest, size: readFileSync(file).length };
    await client.putManifest('blob', tag, Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');
    assertRejected(await bulkhead(['verify', `${registry.registry}/blob:1`, '--key', 'signer.pub']), 'SIGNATURE_INVALID', /signature payload .*: content digest sha256:\w+ does not match the expected sha256:/);
  });
});

describe('interoperability with skopeo (containers/image sigstore attachments)', () => {
  test('skopeo reads the signature Bulkhead stored, and Bulkhead verifies the .sig manifest skopeo writes', async () => {
    const registriesD = join(work, 'registries.d');
    mkdirSync(registriesD, { recursive: true });
    writeFileSync(join(registriesD, 'local.yaml'), `docker:\n  ${registry.registry}:\n    use-sigstore-attachments: true\n`);
    const skopeo = ['--registries.d', registriesD, '--insecure-policy'];
    const out = join(work, 'skopeo-dir');
    await run('skopeo', [...skopeo, 'copy', '--src-tls-verify=false', `docker://${registry.registry}/app@${digests['a']}`, `dir:${out}`]);
    const files = readdirSync(out).filter((f) => f.startsWith('signature-')).sort();
    assert.deepEqual(files, ['signature-1', 'signature-2'], 'skopeo found both cosign signatures');
    const raw = readFileSync(join(out, 'signature-1'));
    const doc = JSON.parse(raw.subarray(raw.indexOf(0x0a) + 1).toString()) as { mimeType: string; payload: string; annotations: Record<string, string> };
    assert.equal(doc.mimeType, 'application/vnd.dev.cosign.simplesigning.v1+json');
    const verdict = judgeSimpleSigning(
      { source: 'tag', location: 'skopeo signature-1', payload: Buffer.from(doc.payload, 'base64'), signature: Buffer.from(doc.annotations[SIGNATURE_ANNOTATION]!, 'base64') },
      keys('signer.pub'), { digest: digests['a']!, repository: `${registry.registry}/app` },
    );
    assert.equal(verdict.status, 'valid', verdict.reason);

    // skopeo writes the attachments to a new repository with its own manifest and config.
    await run('skopeo', [...skopeo, 'copy', '--dest-tls-verify=false', `dir:${out}`, `docker://${registry.registry}/copied:1`]);
    const ours = (await client.getManifest('app', signatureTag(digests['a']!))).digest;
    const theirs = await client.getManifest('copied', signatureTag(digests['a']!));
    assert.ok(theirs.bytes.length > 0);
    const result = await verifyImage(`${registry.registry}/copied:1`, keys('signer.pub', 'other.pub'), { signedRepository: `${registry.registry}/app` });
    assert.deepEqual(result.signatures.map((s) => s.status), ['valid', 'valid'], `skopeo-written ${theirs.digest} (ours ${ours})`);
    const strict = await verifyImage(`${registry.registry}/copied:1`, keys('signer.pub'));
    assert.equal(strict.verified, false);
    assert.match(strict.signatures[0]!.reason, /repository mismatch: signed for .*\/app, image is in .*\/copied/);
  });
});

describe('Sigstore bundles as referrers', () => {
  test('a key-based DSSE bundle verifies; a keyless one is reported, not verified', async () => {
    const key = signerKey();
    const digest = digests['a']!;
    const statement = Buffer.from(JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1', subject: [{ name: `${registry.registry}/bundle`, digest: { sha256: digest.slice(7) } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {},
    }));
    const type = 'application/vnd.in-toto+json';
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${statement.length} `), statement]);
    const keyBased = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: 'signer' }, tlogEntries: [] },
      dsseEnvelope: { payload: statement.toString('base64'), payloadType: type, signatures: [{ sig: signBytes(pae, key).toString('base64'), keyid: '' }] },
    };
    const keyless = { mediaType: keyBased.mediaType, verificationMaterial: { certificate: { rawBytes: 'AA==' } }, dsseEnvelope: keyBased.dsseEnvelope };
    const descriptors = [];
    for (const bundle of [keyBased, keyless]) descriptors.push(await pushReferrer('bundle', digest, Buffer.from(JSON.stringify(bundle))));
    // docker-registry 2.8 has no referrers API: the referrers tag schema (image-spec) stands in.
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors }));
    await client.putManifest('bundle', `sha256-${digest.slice(7)}`, index, 'application/vnd.oci.image.index.v1+json');

    const result = await verifyImage(`${registry.registry}/bundle:1`, keys('signer.pub'));
    assert.deepEqual(result.signatures.map((s) => [s.source, s.status]), [['referrer', 'valid'], ['referrer', 'keyless-unverified']]);
    assert.equal(result.signatures[1]!.reason, 'keyless bundle present, not verified without --certificate-identity');
    const wrong = await verifyImage(`${registry.registry}/bundle:1`, keys('other.pub'));
    assert.equal(wrong.verified, false);
    assert.match(wrong.signatures[0]!.reason, /bundle DSSE signature does not verify with other\.pub/);
  });
});

function signerKey() {
  return loadPrivateKey(readFileSync(join(work, 'signer.key'), 'utf8'), { passphrase: PASS });
}

function keys(...names: string[]): NamedPublicKey[] {
  return names.map((name) => ({ name, key: loadPublicKey(readFileSync(join(work, name), 'utf8')) }));
}

/** An OCI artifact manifest holding one bundle, with `subject` pointing at the image; returns its descriptor. */
async function pushReferrer(repo: string, subject: string, bundle: Buffer) {
  const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const empty = Buffer.from('{}');
  const emptyDigest = await client.uploadBlob(repo, empty);
  const bundleDigest = await client.uploadBlob(repo, bundle);
  const subjectSize = (await client.getManifest(repo, subject)).bytes.length;
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: empty.length },
    layers: [{ mediaType: artifactType, digest: bundleDigest, size: bundle.length }],
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: subjectSize },
  }));
  const digest = await client.putManifest(repo, `bundle-${bundleDigest.slice(7, 19)}`, manifest, 'application/vnd.oci.image.manifest.v1+json');
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.length, artifactType };
}
