/**
 * The Helm chart (deploy/helm/bulkhead), rendered and linted by a real Helm 3 (scripts/fetch-helm.sh
 * puts it in .cache/tools/helm; Debian ships none), then checked by `bulkhead config` against the
 * Pod Security Standards: every component but the runtime agent passes `restricted`, and the agent
 * needs exactly the privileges its template documents, nothing else.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { run } from '../harness/exec.js';

const HELM = join(REPO_ROOT, '.cache/tools/helm/helm');
const CHART = join(REPO_ROOT, 'deploy/helm/bulkhead');
const work = mkdtempSync(join(tmpdir(), 'bulkhead-helm-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, any>;
}

async function helm(args: string[]): Promise<string> {
  assert.ok(existsSync(HELM), `${HELM} is missing: run scripts/fetch-helm.sh (npm test runs it)`);
  const r = await run(HELM, args);
  assert.equal(r.code, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function render(name: string, sets: string[]): Promise<{ file: string; objects: Array<K8sObject & { line: number; endLine: number }> }> {
  const out = await helm(['template', 'bh', CHART, '--namespace', 'bulkhead-system', ...sets.flatMap((s) => ['--set', s])]);
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, out);
  const lineOf = (offset: number) => out.slice(0, offset).split('\n').length;
  const objects = parseAllDocuments(out)
    .filter((d) => d.contents !== null)
    .map((d) => {
      assert.deepEqual(d.errors, []);
      const [start, , end] = d.range;
      return { ...(d.toJS() as K8sObject), line: lineOf(start), endLine: lineOf(end) };
    });
  return { file, objects };
}

interface ConfigFinding {
  id: string;
  severity: string;
  target: { path: string; line?: number };
}

async function checkRestricted(file: string): Promise<ConfigFinding[]> {
  const r = await runCli(['config', file, '--pss', 'restricted', '--format', 'json', '--no-progress']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { findings: ConfigFinding[] }).findings;
}

const lineOfFinding = (f: ConfigFinding): number => f.target.line ?? NaN;

describe('Helm chart', () => {
  test('helm lint --strict passes with the defaults and with every component on', async () => {
    await helm(['lint', '--strict', CHART]);
    await helm(['lint', '--strict', CHART, '--set', 'agent.enabled=true,worker.autoscaling.enabled=true,agent.tokenSecret=agent-token']);
  });

  test('defaults: server, workers and webhook, all passing restricted PSS', async () => {
    const { file, objects } = await render('defaults', []);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    for (const want of ['Deployment/bh-server', 'Deployment/bh-worker', 'Deployment/bh-webhook', 'Service/bh-server', 'Service/bh-webhook', 'ValidatingWebhookConfiguration/bh']) {
      assert.ok(kinds.includes(want), `${want} in ${kinds.join(', ')}`);
    }
    assert.ok(!kinds.some((k) => k.startsWith('DaemonSet/')), 'the agent is off by default');
    const server = objects.find((o) => o.metadata.name === 'bh-server' && o.kind === 'Deployment')!;
    assert.equal(server.spec!.replicas, 2);
    const args: string[] = server.spec!.template.spec.containers[0].args;
    assert.ok(args.includes('--database=$(BULKHEAD_DATABASE_URL)'), 'PostgreSQL URL from the Secret');
    const findings = await checkRestricted(file);
    assert.deepEqual(findings.filter((f) => f.id.startsWith('PSS-') || ['critical', 'high', 'medium'].includes(f.severity)), []);
  });

  test('workers scale on queue depth through a KEDA ScaledObject', async () => {
    const { objects } = await render('autoscaling', ['worker.autoscaling.enabled=true', 'worker.autoscaling.maxReplicas=7']);
    const scaled = objects.find((o) => o.kind === 'ScaledObject')!;
    assert.equal(scaled.spec!.scaleTargetRef.name, 'bh-worker');
    assert.equal(scaled.spec!.maxReplicaCount, 7);
    assert.equal(scaled.spec!.triggers[0].type, 'postgresql');
    const worker = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'bh-worker')!;
    assert.equal(worker.spec!.replicas, undefined, 'KEDA owns the replica count');
  });

  test('the agent DaemonSet breaks restricted PSS only where its documented privileges are', async () => {
    const { file, objects } = await render('agent', ['agent.enabled=true']);
    const ds = objects.find((o) => o.kind === 'DaemonSet')!;
    const pod = ds.spec!.template.spec;
    assert.equal(pod.hostPID, true);
    assert.notEqual(pod.hostNetwork, true);
    assert.notEqual(pod.hostIPC, true);
    const ctx = pod.containers[0].securityContext;
    assert.equal(ctx.privileged, false);
    assert.equal(ctx.readOnlyRootFilesystem, true);
    assert.deepEqual(ctx.capabilities.drop, ['ALL']);
    // every added capability and host path is named in the template's documentation comment
    const template = readFileSync(join(CHART, 'templates/agent.yaml'), 'utf8');
    const doc = template.split('apiVersion: apps/v1')[0]!;
    for (const cap of ctx.capabilities.add as string[]) assert.match(doc, new RegExp(`CAP_${cap}\\b`), `CAP_${cap} documented`);
    for (const v of pod.volumes as Array<{ hostPath?: { path: string } }>) {
      if (v.hostPath && !v.hostPath.path.includes('docker.sock') && !v.hostPath.path.startsWith('/var/lib/bulkhead')) assert.ok(doc.includes(v.hostPath.path), `${v.hostPath.path} documented`);
    }
    const findings = (await checkRestricted(file)).filter((f) => f.id.startsWith('PSS-') || ['critical', 'high', 'medium'].includes(f.severity));
    assert.ok(findings.length > 0, 'the agent is reported');
    for (const f of findings) {
      const line = lineOfFinding(f);
      assert.ok(line >= ds.line && line <= ds.endLine, `${f.id} at line ${line} is outside the agent DaemonSet (${ds.line}-${ds.endLine})`);
    }
  });

  test('an image digest pins every component', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const { objects } = await render('digest', ['agent.enabled=true', `image.digest=${digest}`]);
    const images = objects.flatMap((o) => {
      const pod = o.spec?.template?.spec;
      return pod ? [...(pod.initContainers ?? []), ...pod.containers].map((c: { image: string }) => c.image) : [];
    });
    assert.ok(images.length >= 5);
    for (const image of images) assert.ok(image.endsWith(`@${digest}`), image);
  });
});
