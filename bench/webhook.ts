/**
 * Webhook latency under a loopback load: `bulkhead webhook`'s server in this process with a real
 * registry (Debian's docker-registry) holding a signed image, the policy requiring the signature and
 * the deployment rules, PSS restricted. One warm-up request fills the digest cache, then autocannon
 * (10 s, 10 connections, TLS) posts the same Pod AdmissionReview to /validate. Prints p50/p99;
 * the target is p99 < 50 ms (issue 9). Not an assertion: a benchmark, run with `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { createImageResolver, startWebhookServer } from '../src/admission/kubernetes/index.js';
import { parsePolicy } from '../src/policy/index.js';
import { generateKeyPair, loadPrivateKey, signImage } from '../src/trust/index.js';
import { buildOciLayout, pushLayout, startRegistry } from '../test/harness/registry.js';

const SECONDS = Number(process.env['BENCH_WEBHOOK_SECONDS'] ?? 10);
const TARGET_P99_MS = 50;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types; the few fields read are declared above
const autocannonModule = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-webhook-'));
const registry = await startRegistry();
try {
  const layout = join(work, 'layout');
  await buildOciLayout(layout, 't', [{ layers: [{ 'etc/marker': 'bench' }] }]);
  await pushLayout(registry, layout, 't', 'team/app:1.0');
  const pair = generateKeyPair({});
  writeFileSync(join(work, 'cosign.pub'), pair.publicKeyPem);
  await signImage(`${registry.registry}/team/app:1.0`, loadPrivateKey(pair.privateKeyPem), {});
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(work, 'tls.key'), '-out', join(work, 'tls.crt')], { stdio: 'ignore' });
  const policy = parsePolicy(
    `version: 1\ntrust:\n  registries: ["${registry.registry}"]\n  signatures:\n    keys: ["${join(work, 'cosign.pub')}"]\ndeployment:\n  forbidPrivileged: true\n  forbidHostNamespaces: true\n  forbidDockerSocket: true\n`,
    'policy.yaml',
  );
  const webhook = await startWebhookServer(
    { tls: { cert: readFileSync(join(work, 'tls.crt')), key: readFileSync(join(work, 'tls.key')) }, settings: { policy, pss: 'restricted' }, resolve: createImageResolver({ policy, access: { insecure: true } }) },
    { host: '127.0.0.1', port: 0 },
  );
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      name: 'web',
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'admin' },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'web', image: `${registry.registry}/team/app:1.0`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        },
      },
      oldObject: null,
      dryRun: false,
    },
  });
  const url = `https://127.0.0.1:${webhook.port}/validate`;
  // the first request resolves the tag and verifies the signature; the load then hits the digest cache
  const ca = readFileSync(join(work, 'tls.crt'));
  const warm = await new Promise<string>((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
  if (!warm.includes('"allowed":true')) throw new Error(`warm-up request was not allowed: ${warm}`);
  // autocannon does not verify the self-signed certificate (loopback only)
  const result = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: 10, duration: SECONDS, tlsOptions: { rejectUnauthorized: false } });
  await webhook.close();
  const { p50, p99 } = result.latency;
  process.stdout.write(
    `webhook /validate (cached signed image, PSS restricted): ${result.requests.total} requests in ${SECONDS}s, ${Math.round(result.requests.average)} req/s, ` +
      `p50 ${p50} ms, p99 ${p99} ms (target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'MISSED'}), non-2xx ${result.non2xx}, errors ${result.errors}\n`,
  );
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
