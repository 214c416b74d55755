/**
 * The deploy gates with `--server` (issue 9): `bulkhead webhook` and `bulkhead authz` take the
 * vulnerability facts (and the image configuration the image rules read) from the platform server's
 * stored scans, with no local database, and authz sends each decision to the server.
 *
 * Real components only: the CLI server (test/harness/server-process.ts), Debian's docker-registry on
 * loopback, images built from busybox-static in the main daemon and pushed with skopeo (one with the
 * npm lock file of demo/app, vulnerable in the OSV data of demo/osv), scans uploaded the way CI does
 * (`bulkhead scan IMAGE --server URL --token T`), the webhook CLI over TLS (self-signed with openssl),
 * and a second dockerd of this test's own with `--authorization-plugin`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { cliCommand, REPO_ROOT, runCli } from '../harness/cli.js';
import { ensureDocker, pingDocker } from '../harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../harness/exec.js';
import { startRegistry, type RunningRegistry } from '../harness/registry.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

const PLUGIN = 'bh-admsrv';
const PLUGIN_SOCKET = `/run/docker/plugins/${PLUGIN}.sock`;
const LOCAL = { clean: 'bh-admsrv-clean:1', vuln: 'bh-admsrv-vuln:1', never: 'bh-admsrv-never:1' } as const;
let work: string;
let registry: RunningRegistry;
let server: ServerProcess;
let webhook: { child: ChildProcess; port: number; ca: string } | undefined;
let plugin: ChildProcess | undefined;
let dockerd: ChildProcess | undefined;
let daemonSocket: string;
const remote: Record<keyof typeof LOCAL, string> = { clean: '', vuln: '', never: '' };
const digest: Record<keyof typeof LOCAL, string> = { clean: '', vuln: '', never: '' };

/** Starts a CLI command and waits for `marker` on stderr. */
async function startCli(args: string[], marker: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const { command, args: prefix } = cliCommand();
  const child = spawn(command, [...prefix, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = marker.exec(stderr);
    if (match) return { child, match };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bulkhead ${args[0]} did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
}

function docker(args: string[]) {
  return runAllowFailure('docker', ['-H', `unix://${daemonSocket}`, ...args], { timeoutMs: 120_000 });
}

before(async () => {
  requireCommand('dockerd', 'docker.io', 'a second daemon with the authorization plugin');
  requireCommand('skopeo', 'skopeo', 'pushes the test images to the loopback registry');
  requireCommand('openssl', 'openssl', "makes the webhook's self-signed TLS certificate");
  await ensureDocker();
  if (existsSync(PLUGIN_SOCKET)) throw new Error(`${PLUGIN_SOCKET} exists: another authz plugin of this name runs on this host`);
  work = mkdtempSync(join(tmpdir(), 'bh-admsrv-'));
  registry = await startRegistry();
  server = await startServerProcess();

  // USER 1000 on every image: the non-root rule passes from the image configuration alone, so a
  // denial can only come from the vulnerability facts (and the image rules need the server's config)
  const lock = { '/app/package-lock.json': join(REPO_ROOT, 'demo/app/package-lock.json'), '/app/package.json': join(REPO_ROOT, 'demo/app/package.json') };
  for (const name of Object.keys(LOCAL) as (keyof typeof LOCAL)[]) {
    const base = `${LOCAL[name]}-base`;
    await buildBusyboxImage(base, name === 'vuln' ? { files: lock } : { files: { [`/etc/${name}`]: join(REPO_ROOT, 'package.json') } });
    const created = (await run('docker', ['create', base])).stdout.trim();
    await run('docker', ['commit', '--change', 'USER 1000', created, LOCAL[name]]);
    await run('docker', ['rm', created]);
    await run('docker', ['rmi', base]);
    remote[name] = `${registry.registry}/team/bh-admsrv-${name}:1`;
    await run('skopeo', ['copy', '--insecure-policy', '--dest-tls-verify=false', `docker-daemon:${LOCAL[name]}`, `docker://${remote[name]}`], { timeoutMs: 120_000 });
    digest[name] = (await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${remote[name]}`])).stdout.trim();
  }

  // CI: scan from the registry against a local DB and upload to the server; `never` is never scanned
  const db = await runCli(['db', 'update', '--source', join(REPO_ROOT, 'demo/osv'), '--db', join(work, 'vuln.db')]);
  assert.equal(db.code, 0, db.stderr);
  for (const name of ['clean', 'vuln'] as const) {
    const scan = await runCli(['scan', remote[name], '--db', join(work, 'vuln.db'), '--scanners', 'vuln', '--format', 'json', '-o', join(work, `${name}.json`), '--server', server.url, '--token', server.adminToken]);
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(scan.stderr, new RegExp(`uploaded to .*${digest[name]}`));
  }
  writeFileSync(join(work, 'policy.yaml'), 'version: 1\ntrust:\n  registries: ["127.0.0.1:*"]\nvulnerabilities:\n  maxSeverity: medium\nimage:\n  nonRootUser: true\n');
});

after(async () => {
  await stop(webhook?.child);
  await stop(plugin);
  await stop(dockerd);
  await server?.stop();
  await registry?.stop();
  await runAllowFailure('docker', ['rmi', ...Object.values(LOCAL)]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the server holds the scans CI uploaded', () => {
  test('the stored image carries the configuration facts the image rules read', async () => {
    const res = await server.api(`/api/v1/images/${digest.clean}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { imageConfig?: { user: string; healthcheck: unknown } };
    assert.deepEqual(body.imageConfig, { user: '1000', healthcheck: null });
  });
});

describe('bulkhead webhook --server (no local --db)', () => {
  before(async () => {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=bh-admsrv', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(work, 'tls.key'), '-out', join(work, 'tls.crt')]);
    const started = await startCli(['webhook', '--policy', join(work, 'policy.yaml'), '--tls-cert', join(work, 'tls.crt'), '--tls-key', join(work, 'tls.key'), '--listen', '127.0.0.1', '--port', '0', '--server', server.url, '--token', server.adminToken], /listening on https:\/\/127\.0\.0\.1:(\d+)/);
    webhook = { child: started.child, port: Number(started.match[1]), ca: readFileSync(join(work, 'tls.crt'), 'utf8') };
  });

  /** Posts an AdmissionReview v1 for a CREATE of a Pod with one container. */
  function admit(image: string): Promise<{ uid: string; response: { uid: string; allowed: boolean; status?: { code: number; message: string } } }> {
    const uid = randomUUID();
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'web', image }] } };
    const kind = { group: '', version: 'v1', kind: 'Pod' };
    const resource = { group: '', version: 'v1', resource: 'pods' };
    const doc = { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: { uid, kind, resource, requestKind: kind, requestResource: resource, name: 'web', namespace: 'shop', operation: 'CREATE', userInfo: { username: 'kubernetes-admin' }, object, oldObject: null, dryRun: false } };
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: webhook!.port, path: '/validate', method: 'POST', ca: webhook!.ca, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            assert.equal(res.statusCode, 200);
            resolve({ uid, response: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response: never }).response });
          } catch (e) {
            reject(e);
          }
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify(doc));
    });
  }

  test('a Pod using the vulnerable image by digest is denied naming the vulnerability rule; uid echoed', async () => {
    const { uid, response } = await admit(`${registry.registry}/team/bh-admsrv-vuln@${digest.vuln}`);
    assert.equal(response.uid, uid);
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 403);
    assert.match(response.status!.message, /^Pod shop\/web denied by bulkhead: \[vulnerability-severity\] container "web" .*(CVE|GHSA)-[\w-]+ \((high|critical)\)/);
    // the image's USER came from the server's stored configuration: the non-root rule was judged, not skipped
    assert.doesNotMatch(response.status!.message, /non-root-user/);
  });

  test("a Pod using the clean image (by tag) is allowed: its stored scan and USER come from the server", async () => {
    const { uid, response } = await admit(remote.clean);
    assert.equal(response.uid, uid);
    assert.equal(response.allowed, true, JSON.stringify(response));
  });

  test('an image the server never scanned is denied, fail-closed, naming the rule it could not check', async () => {
    const { uid, response } = await admit(remote.never);
    assert.equal(response.uid, uid);
    assert.equal(response.allowed, false);
    assert.match(response.status!.message, new RegExp(`\\[vulnerability-severity\\] container "web" .*not checked: .*the server has no stored scan of ${digest.never}`));
  });
});

describe('bulkhead authz --server (no local --db) with a real dockerd', () => {
  before(async () => {
    daemonSocket = join(work, 'docker.sock');
    plugin = (await startCli(['authz', '--policy', join(work, 'policy.yaml'), '--socket', PLUGIN_SOCKET, '--worker-socket', join(work, 'worker.sock'), '--docker-host', daemonSocket, '--server', server.url, '--token', server.adminToken, '--spool', join(work, 'spool.db'), '--events', join(work, 'events.jsonl')], /authorization plugin listening on/)).child;
    dockerd = spawn('dockerd', [`--authorization-plugin=${PLUGIN}`, '-H', `unix://${daemonSocket}`, '--data-root', join(work, 'data'), '--exec-root', join(work, 'exec'), '--pidfile', join(work, 'dockerd.pid'), '--bridge=none', '--iptables=false', '--ip6tables=false', '--insecure-registry', registry.registry], { stdio: 'ignore' });
    const deadline = Date.now() + 90_000;
    while (!(await pingDocker(daemonSocket))) {
      if (Date.now() > deadline) throw new Error('second dockerd did not answer');
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const name of ['clean', 'vuln', 'never'] as const) {
      const pulled = await docker(['pull', remote[name]]);
      assert.equal(pulled.code, 0, pulled.stderr);
    }
  });

  test('docker run of the vulnerable image is denied naming the rule; the clean one runs; an unscanned one is denied', async () => {
    const denied = await docker(['run', '--rm', '--name', 'bh-admsrv-vuln', remote.vuln, '/bin/busybox', 'true']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: denied by policy rule vulnerability-severity: .*(CVE|GHSA)-[\\w-]+ \\((high|critical)\\)`));
    const ran = await docker(['run', '--rm', '--name', 'bh-admsrv-clean', remote.clean, '/bin/busybox', 'echo', 'ran']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout.trim(), 'ran');
    const never = await docker(['run', '--rm', '--name', 'bh-admsrv-never', remote.never, '/bin/busybox', 'true']);
    assert.notEqual(never.code, 0);
    assert.match(never.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: .*has no scan of ${digest.never}`));
  });

  test('every decision reaches the server as an admission event', async () => {
    interface Stored { action: string; event: { rule: string; reason: string; container: { name: string; image: string; imageDigest: string }; details: { uri: string; allow: boolean } } }
    const readLocal = () => readFileSync(join(work, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { uri: string; allow: boolean; rule: string });
    let local = readLocal();
    let stored: Stored[] = [];
    // delivery is asynchronous (spool, then batch): wait until the server holds as many as the plugin wrote
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const page = (await (await server.api('/api/v1/runtime/events?type=admission&order=asc&limit=1000')).json()) as { events: Stored[] };
      stored = page.events;
      local = readLocal();
      if (stored.length >= local.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(stored.length >= local.length, `server holds ${stored.length} of ${local.length} decisions`);
    const creates = stored.filter((e) => e.event.details.uri.includes('/containers/create'));
    const byName = new Map(creates.map((e) => [e.event.container.name, e]));
    const vuln = byName.get('bh-admsrv-vuln')!;
    assert.equal(vuln.action, 'denied');
    assert.equal(vuln.event.rule, 'vulnerability-severity');
    assert.equal(vuln.event.container.imageDigest, digest.vuln);
    assert.equal(byName.get('bh-admsrv-clean')!.action, 'allowed');
    assert.equal(byName.get('bh-admsrv-never')!.action, 'denied');
    // the same decisions as the local JSON lines, in the same order
    assert.deepEqual(stored.slice(0, local.length).map((e) => [e.event.details.uri, e.event.details.allow, e.event.rule]), local.map((e) => [e.uri, e.allow, e.rule]));
  });
});
