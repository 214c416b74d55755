/**
 * `bulkhead webhook` contract tests. No cluster runs here: the webhook is started with a self-signed
 * certificate made by openssl at test time, and AdmissionReview v1 documents shaped as the API
 * server sends them ("Dynamic Admission Control", Request) are posted over TLS. Images live in a
 * real registry on loopback (Debian's docker-registry), one signed with a key from the trust module.
 * Responses are checked field by field: uid echoed, allowed or denied with the reason naming the
 * rule and the container, warnings for rules in warn mode, the JSONPatch of /mutate.
 * The deploy/ manifests and the Helm chart are checked with Bulkhead's own config scanner.
 */
import assert from 'node:assert/strict';
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { createImageResolver, startWebhookServer, type AdmissionReviewResponse, type RunningWebhook } from '../../src/admission/kubernetes/index.js';
import { parsePolicy } from '../../src/policy/index.js';
import { generateKeyPair, loadPrivateKey, signImage } from '../../src/trust/index.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { requireCommand, run } from '../harness/exec.js';
import { buildOciLayout, pushLayout, startRegistry, type RunningRegistry } from '../harness/registry.js';

let registry: RunningRegistry;
let work: string;
let webhook: RunningWebhook;
let ca: string;
const digests: Record<string, string> = {};

async function selfSigned(name: string): Promise<{ cert: string; key: string }> {
  const dir = join(work, name);
  mkdirSync(dir);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:bulkhead-webhook.bulkhead-system.svc', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
  return { cert: readFileSync(join(dir, 'tls.crt'), 'utf8'), key: readFileSync(join(dir, 'tls.key'), 'utf8') };
}

before(async () => {
  requireCommand('openssl', 'openssl', 'makes the webhook\'s self-signed TLS certificate');
  requireCommand('skopeo', 'skopeo', 'pushes the test images to the registry');
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'bulkhead-webhook-'));
  for (const name of ['signed', 'unsigned']) {
    const layout = join(work, `layout-${name}`);
    const built = await buildOciLayout(layout, 't', [{ layers: [{ 'etc/marker': `image ${name}` }] }]);
    await pushLayout(registry, layout, 't', `team/${name}:1.0`);
    digests[name] = built.images[0]!.manifestDigest;
  }
  const pair = generateKeyPair({});
  writeFileSync(join(work, 'cosign.pub'), pair.publicKeyPem);
  await signImage(`${registry.registry}/team/signed:1.0`, loadPrivateKey(pair.privateKeyPem), {});
  const policy = parsePolicy(
    `version: 1\ntrust:\n  registries: ["${registry.registry}"]\n  signatures:\n    keys: ["${join(work, 'cosign.pub')}"]\n` +
      `deployment:\n  forbidPrivileged: true\n  forbidHostNamespaces: true\n  forbidDockerSocket: true\n`,
    'policy.yaml',
  );
  const tls = await selfSigned('first');
  ca = tls.cert;
  webhook = await startWebhookServer(
    {
      tls,
      settings: { policy, pss: 'baseline', warnOnly: new Set(['host-namespaces', 'PSS-hostNamespaces']) },
      resolve: createImageResolver({ policy, access: { insecure: true } }),
    },
    { host: '127.0.0.1', port: 0 },
  );
});

after(async () => {
  await webhook?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: unknown;
  peerCert?: string;
}

function post(path: string, body: string | object, headers: Record<string, string> = {}, trusted = ca): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: webhook.port, path, method: path === '/healthz' ? 'GET' : 'POST', ca: trusted, agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate?.();
        resolve({ status: res.statusCode ?? 0, body: raw ? JSON.parse(raw) : undefined, ...(peer ? { peerCert: peer.fingerprint256 } : {}) });
      });
    });
    req.on('error', reject);
    if (path !== '/healthz') req.end(text);
    else req.end();
  });
}

/** An AdmissionReview as the API server sends it for a CREATE (request fields per admission.k8s.io/v1). */
function review(kind: { group: string; version: string; kind: string }, resource: string, object: Record<string, unknown>, namespace = 'shop'): { uid: string; doc: object } {
  const uid = randomUUID();
  const meta = object.metadata as { name: string };
  const gvr = { group: kind.group, version: kind.version, resource };
  return {
    uid,
    doc: {
      kind: 'AdmissionReview',
      apiVersion: 'admission.k8s.io/v1',
      request: {
        uid,
        kind,
        resource: gvr,
        requestKind: kind,
        requestResource: gvr,
        name: meta.name,
        namespace,
        operation: 'CREATE',
        userInfo: { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] },
        object,
        oldObject: null,
        dryRun: false,
        options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' },
      },
    },
  };
}

const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

function pod(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: name } }, spec };
}

function response(a: Answer): AdmissionReviewResponse['response'] {
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const body = a.body as AdmissionReviewResponse;
  assert.equal(body.apiVersion, 'admission.k8s.io/v1');
  assert.equal(body.kind, 'AdmissionReview');
  return body.response;
}

describe('POST /validate', () => {
  test('a Pod running the signed image from the trusted registry is allowed, uid echoed, no warnings', async () => {
    const { uid, doc } = review(POD, 'pods', pod('web', { containers: [{ name: 'web', image: `${registry.registry}/team/signed:1.0` }] }));
    const r = response(await post('/validate', doc));
    assert.equal(r.uid, uid);
    assert.equal(r.allowed, true);
    assert.equal(r.status, undefined);
    assert.equal(r.warnings, undefined);
    assert.equal(r.patch, undefined, '/validate never patches');
  });

  test('an unsigned image is denied with 403 naming the signature rule and the container', async () => {
    const { uid, doc } = review(POD, 'pods', pod('web', { containers: [{ name: 'web', image: `${registry.registry}/team/unsigned:1.0` }] }));
    const r = response(await post('/validate', doc));
    assert.equal(r.uid, uid);
    assert.equal(r.allowed, false);
    assert.equal(r.status?.code, 403);
    assert.match(r.status!.message, /^Pod shop\/web denied by bulkhead: \[signature\] container "web"/);
    assert.match(r.status!.message, new RegExp(`no signature found for ${registry.registry}/team/unsigned@${digests['unsigned']}`));
  });

  test('a Deployment whose init container runs privileged and mounts the Docker socket is denied for each rule', async () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-api', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'shop-api' } },
        template: {
          metadata: { labels: { app: 'shop-api' } },
          spec: {
            initContainers: [{ name: 'setup', image: `${registry.registry}/team/signed:1.0`, securityContext: { privileged: true }, volumeMounts: [{ name: 'sock', mountPath: '/var/run/docker.sock' }] }],
            containers: [{ name: 'api', image: `${registry.registry}/team/signed:1.0` }],
            volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }],
          },
        },
      },
    };
    const { uid, doc } = review(DEPLOYMENT, 'deployments', object);
    const r = response(await post('/validate', doc));
    assert.equal(r.uid, uid);
    assert.equal(r.allowed, false);
    const message = r.status!.message;
    assert.match(message, /^Deployment shop\/shop-api denied by bulkhead: /);
    assert.match(message, /\[privileged\] init container "setup" \([^)]+\): container setup runs privileged/);
    assert.match(message, /\[docker-socket\] init container "setup" \([^)]+\): container setup mounts \/var\/run\/docker\.sock at \/var\/run\/docker\.sock/);
    // the baseline PSS controls of the config scanner judge the same template
    assert.match(message, /\[PSS-privileged\]/);
    assert.match(message, /\[PSS-hostPathVolumes\]/);
    assert.doesNotMatch(message, /container "api"/, 'the compliant container is not blamed');
  });

  test('rules in warn mode answer allowed with warnings', async () => {
    const { uid, doc } = review(POD, 'pods', pod('netdebug', { hostNetwork: true, containers: [{ name: 'tools', image: `${registry.registry}/team/signed:1.0` }] }));
    const r = response(await post('/validate', doc));
    assert.equal(r.uid, uid);
    assert.equal(r.allowed, true);
    assert.ok(r.warnings && r.warnings.length === 2, JSON.stringify(r.warnings));
    assert.match(r.warnings[0]!, /^host-namespaces: container "tools" \([^)]+\): container tools shares the host net namespace$/);
    assert.match(r.warnings[1]!, /^PSS-hostNamespaces: /);
  });

  test('DELETE carries no object and is allowed; a kind without pods is allowed', async () => {
    const del = review(POD, 'pods', pod('gone', { containers: [] }));
    const req = (del.doc as { request: Record<string, unknown> }).request;
    req.operation = 'DELETE';
    req.oldObject = req.object;
    req.object = null;
    const r = response(await post('/validate', del.doc));
    assert.deepEqual(r, { uid: del.uid, allowed: true });
    const cm = review({ group: '', version: 'v1', kind: 'ConfigMap' }, 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} });
    assert.deepEqual(response(await post('/validate', cm.doc)), { uid: cm.uid, allowed: true });
  });

  test('an image the registry does not have is denied (fail-closed), naming the image', async () => {
    const { doc } = review(POD, 'pods', pod('ghost', { containers: [{ name: 'ghost', image: `${registry.registry}/team/missing:9` }] }));
    const r = response(await post('/validate', doc));
    assert.equal(r.allowed, false);
    assert.match(r.status!.message, new RegExp(`\\[image-resolution\\] container "ghost": image ${registry.registry.replace(/\./g, '\\.')}/team/missing:9 cannot be looked up: .*manifest not found`));
  });
});

describe('malformed requests', () => {
  test('400 with a reason: not JSON, wrong apiVersion, missing uid; 413 over the cap; 415 wrong type', async () => {
    const notJson = await post('/validate', '{"kind":');
    assert.equal(notJson.status, 400);
    assert.match((notJson.body as { message: string }).message, /body is not JSON/);
    const v1beta1 = review(POD, 'pods', pod('x', { containers: [] }));
    (v1beta1.doc as { apiVersion: string }).apiVersion = 'admission.k8s.io/v1beta1';
    const wrongVersion = await post('/validate', v1beta1.doc);
    assert.equal(wrongVersion.status, 400);
    assert.match((wrongVersion.body as { message: string }).message, /^malformed AdmissionReview: apiVersion: /);
    const noUid = review(POD, 'pods', pod('x', { containers: [] }));
    delete (noUid.doc as { request: Record<string, unknown> }).request.uid;
    const missing = await post('/validate', noUid.doc);
    assert.equal(missing.status, 400);
    assert.match((missing.body as { message: string }).message, /^malformed AdmissionReview: request\.uid: /);
    const big = await post('/validate', `{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`);
    assert.equal(big.status, 413);
    const wrongType = await post('/validate', '{}', { 'content-type': 'text/plain' });
    assert.equal(wrongType.status, 415);
  });

  test('GET /healthz answers ok', async () => {
    const h = await post('/healthz', '');
    assert.equal(h.status, 200);
    assert.deepEqual(h.body, { status: 'ok' });
  });
});

describe('POST /mutate', () => {
  test('a Deployment\'s tags are pinned to the verified digests as a base64 JSONPatch', async () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'web', image: `${registry.registry}/team/signed:1.0` }] } } },
    };
    const { uid, doc } = review(DEPLOYMENT, 'deployments', object);
    const r = response(await post('/mutate', doc));
    assert.equal(r.uid, uid);
    assert.equal(r.allowed, true);
    assert.equal(r.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8')) as unknown;
    assert.deepEqual(patch, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${registry.registry}/team/signed:1.0@${digests['signed']}` }]);
  });

  test('a denied request carries no patch', async () => {
    const { doc } = review(POD, 'pods', pod('web', { containers: [{ name: 'web', image: `${registry.registry}/team/unsigned:1.0` }] }));
    const r = response(await post('/mutate', doc));
    assert.equal(r.allowed, false);
    assert.equal(r.patch, undefined);
    assert.equal(r.patchType, undefined);
  });
});

test('reloadTls: new connections get the new certificate', async () => {
  const before = await post('/healthz', '');
  assert.equal(before.peerCert, new X509Certificate(ca).fingerprint256);
  const next = await selfSigned('second');
  webhook.reloadTls(next);
  const afterReload = await post('/healthz', '', {}, next.cert);
  assert.equal(afterReload.status, 200);
  assert.equal(afterReload.peerCert, new X509Certificate(next.cert).fingerprint256);
  webhook.reloadTls({ cert: ca, key: readFileSync(join(work, 'first', 'tls.key'), 'utf8') });
});

describe('deploy/', () => {
  test('deploy/kubernetes passes the restricted Pod Security Standards of bulkhead config', async () => {
    const r = await runCli(['config', join(REPO_ROOT, 'deploy/kubernetes'), '--pss', 'restricted', '--format', 'json', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const findings = (JSON.parse(r.stdout) as { findings: { id: string; severity: string }[] }).findings;
    assert.deepEqual(findings.filter((f) => f.id.startsWith('PSS-')), []);
    assert.deepEqual(findings.filter((f) => f.severity === 'critical' || f.severity === 'high' || f.severity === 'medium'), []);
    const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/kubernetes/webhook.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
    const vwc = docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!.webhooks[0];
    assert.equal(vwc.failurePolicy, 'Fail');
    assert.equal(vwc.sideEffects, 'None');
    assert.deepEqual(vwc.admissionReviewVersions, ['v1']);
    assert.ok(vwc.namespaceSelector.matchExpressions[0].values.includes('bulkhead-system'));
  });
});
