/**
 * Access control of the real server (the CLI in its own process, SQLite): the first-run admin token
 * and password, users and tokens made through the API, roles enforced (an auditor reads, its change
 * is refused and audited), login rate limiting, security headers, and no secret in the server's
 * output or in the audit log.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

const adminPassword = `admin-${randomBytes(12).toString('base64url')}`;
const operatorPassword = `oper-${randomBytes(12).toString('base64url')}`;
const secrets: string[] = [adminPassword, operatorPassword];
let server: ServerProcess;

before(async () => {
  server = await startServerProcess(['--no-background'], { env: { BULKHEAD_ADMIN_PASSWORD: adminPassword } });
  secrets.push(server.adminToken);
});
after(async () => server?.stop());

async function json<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

const policyYaml = 'version: 1\nname: production\n';

test('roles: admin bootstraps, operator changes, auditor reads and is refused (and audited)', async () => {
  assert.deepEqual(await json(await server.api('/api/v1/me'), 200), { name: 'admin', role: 'admin' });
  assert.equal((await fetch(server.url + '/api/v1/me')).status, 401, 'no token');

  await json(await server.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'operator1', role: 'operator', password: operatorPassword }) }), 201);
  await json(await server.api('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'auditor1', role: 'auditor' }) }), 201);
  const tokenFor = async (user: string) => {
    const body = await json<{ token: string }>(await server.api(`/api/v1/users/${user}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'test', expiresInDays: 1 }) }), 201);
    secrets.push(body.token);
    return body.token;
  };
  const operator = await tokenFor('operator1');
  const auditor = await tokenFor('auditor1');
  assert.deepEqual(await json(await server.api('/api/v1/me', { token: auditor }), 200), { name: 'auditor1', role: 'auditor' });

  const put = (token: string) => server.api('/api/v1/policies/x', { token, method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: policyYaml });
  await json(await put(operator), 200);
  assert.equal((await json<unknown[]>(await server.api('/api/v1/policies', { token: auditor }), 200)).length, 1, 'the auditor reads');
  await json(await put(auditor), 403);
  await json(await server.api('/api/v1/users', { token: operator, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', role: 'admin' }) }), 403);
  await json(await server.api('/api/v1/users', { token: auditor }), 403);

  const audit = await json<Array<{ actor: string; action: string; target: string; outcome: string }>>(await server.api('/api/v1/audit', { token: auditor }), 200);
  const denied = audit.filter((r) => r.outcome === 'denied' && r.action === 'auth.denied');
  assert.ok(denied.some((r) => r.actor === 'auditor1' && r.target === 'PUT /api/v1/policies/:name'), JSON.stringify(audit));
  assert.ok(denied.some((r) => r.actor === 'operator1' && r.target === 'POST /api/v1/users'));
  assert.ok(audit.some((r) => r.actor === 'operator1' && r.action === 'policy.update' && r.outcome === 'ok'));
  assert.ok(audit.some((r) => r.action === 'user.create' && r.target === 'auditor1'));
  assert.equal((await json<{ ok: boolean }>(await server.api('/api/v1/audit/verify', { token: auditor }), 200)).ok, true);
});

test('login with the bootstrap password gives a working token; the 6th wrong login in a minute gets 429', async () => {
  const login = (name: string, password: string) =>
    fetch(server.url + '/api/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  const ok = await json<{ token: string; user: { role: string } }>(await login('admin', adminPassword), 200);
  secrets.push(ok.token);
  assert.equal(ok.user.role, 'admin');
  assert.deepEqual(await json(await server.api('/api/v1/me', { token: ok.token }), 200), { name: 'admin', role: 'admin' });
  assert.equal((await login('operator1', operatorPassword)).status, 200);

  for (let i = 1; i <= 5; i++) assert.equal((await login('auditor1', `wrong-${i}`)).status, 401, `attempt ${i}`);
  const sixth = await login('auditor1', 'wrong-6');
  assert.equal(sixth.status, 429, await sixth.text());
  // the limit is per name: the admin can still log in from the same address
  assert.equal((await login('admin', adminPassword)).status, 200);
});

test('security headers on API and health responses', async () => {
  for (const response of [await fetch(server.url + '/healthz'), await server.api('/api/v1/me')]) {
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/u);
    assert.ok(response.headers.get('x-frame-options'), 'x-frame-options');
    assert.ok(response.headers.get('strict-transport-security'), 'strict-transport-security');
    assert.equal(response.headers.get('x-powered-by'), null);
    await response.arrayBuffer();
  }
});

test('no token or password in the server output or the audit rows', async () => {
  const audit = await (await server.api('/api/v1/audit?limit=1000')).text();
  await server.stop();
  const output = server.stderr();
  assert.ok(secrets.length >= 6, 'the earlier tests collected the secrets');
  for (const secret of secrets) {
    const tail = secret.slice(-20); // also catches a token logged without its prefix
    assert.ok(!output.includes(tail), `a secret ending ${tail.slice(-4)} appears in the server output`);
    assert.ok(!audit.includes(tail), `a secret ending ${tail.slice(-4)} appears in the audit log`);
  }
});
