/**
 * Authorization plugin decision latency for a cached digest: the plugin (in process) answers
 * AuthZReq calls sent straight to its socket, each a recorded `docker create` naming an image of the
 * local daemon; the first call fills the digest cache, the next ones are timed. Prints p50/p99.
 * Run: node --import tsx bench/authz.ts [IMAGE] (IMAGE must exist in /var/run/docker.sock's daemon).
 */
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAuthzPlugin } from '../src/admission/index.js';
import { parsePolicy } from '../src/policy/index.js';

const image = process.argv[2] ?? 'bulkhead-test/authz-busybox:1';
const fixtures = JSON.parse(readFileSync(new URL('../src/admission/docker/testdata/engine-requests.json', import.meta.url), 'utf8')) as Record<string, { RequestBody: string }>;
const create = fixtures['create-plain']!;
const body = JSON.parse(Buffer.from(create.RequestBody, 'base64').toString('utf8')) as Record<string, unknown>;
body.Image = image;
const encoded = Buffer.from(JSON.stringify(body));
const request = JSON.stringify({ ...create, RequestBody: encoded.toString('base64'), RequestHeaders: { 'Content-Type': 'application/json', 'Content-Length': String(encoded.length) } });

const socketPath = join(mkdtempSync(join(tmpdir(), 'bulkhead-bench-authz-')), 'bulkhead.sock');
const policy = parsePolicy('version: 1\ntrust:\n  registries: ["**"]\ndeployment:\n  forbidPrivileged: true\n  forbidHostNamespaces: true\n  forbidDockerSocket: true\n', 'bench-policy.yaml');
const plugin = await startAuthzPlugin({ socketPath, policy });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(): Promise<{ Allow: boolean; Msg: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, agent, method: 'POST', path: '/AuthZPlugin.AuthZReq', headers: { 'content-type': 'application/vnd.docker.plugins.v1.2+json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as { Allow: boolean; Msg: string }));
    });
    req.on('error', reject);
    req.end(request);
  });
}

const first = await call();
if (!first.Allow) throw new Error(`bench: the create was denied: ${first.Msg}`);
const samples: number[] = [];
for (let i = 0; i < 2000; i++) {
  const t = performance.now();
  await call();
  samples.push(performance.now() - t);
}
samples.sort((a, b) => a - b);
const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!.toFixed(2);
console.log(`authz decision (cached digest, ${samples.length} calls, includes the daemon image inspect): p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
agent.destroy();
await plugin.close();
