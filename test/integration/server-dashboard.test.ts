/**
 * The dashboard end to end: the real `bulkhead server` process serving the Vite build, driven in
 * headless Chromium (Debian `chromium` + playwright-core). Data is real: the demo app scanned by the
 * CLI against a database built from demo/osv, an empty directory as a clean image, runtime events
 * sent through the agent API. Screenshots of every page go to test-artifacts/dashboard/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ScanResult } from '../../src/findings/scan-result.js';
import { recordScan } from '../../src/server/inventory/index.js';
import { openStore } from '../../src/store/index.js';
import { collectPageErrors, ensureDashboardBuilt, keepScreenshot, launchChromium } from '../harness/chromium.js';
import { runCli } from '../harness/cli.js';
import { startServerProcess, type ServerProcess } from '../harness/server-process.js';

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `bulkhead ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** A directory scan has no image digest; the directory's content digest (its one layer) stands for it. */
function withDigest(result: ScanResult): ScanResult {
  return { ...result, image: { ...result.image, manifestDigest: result.image.layers[0]!.digest } };
}

describe('dashboard in headless Chromium', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let demo: ScanResult;
  let auditorToken: string;
  const work = mkdtempSync(join(tmpdir(), 'bulkhead-dashboard-'));

  before(async () => {
    await ensureDashboardBuilt();
    browser = await launchChromium();
    const vulnDb = join(work, 'vuln.db');
    await cli(['db', 'update', '--source', 'demo/osv', '--db', vulnDb]);
    demo = withDigest(JSON.parse(await cli(['scan', 'dir:demo/app', '--db', vulnDb, '--format', 'json'])) as ScanResult);
    const emptyDir = join(work, 'empty-app');
    mkdirSync(emptyDir);
    const clean = withDigest(JSON.parse(await cli(['scan', `dir:${emptyDir}`, '--db', vulnDb, '--format', 'json'])) as ScanResult);

    server = await startServerProcess(['--db', vulnDb, '--no-background']);
    // scans go in through the store the server uses (the same recordScan every upload path calls)
    const store = await openStore(join(server.stateDir, 'server.db'));
    try {
      await recordScan(store.db, { result: demo, source: 'ci', repository: 'demo/app', tags: ['1.0'] });
      await recordScan(store.db, { result: clean, source: 'ci', repository: 'demo/empty', tags: ['latest'] });
    } finally {
      await store.close();
    }

    const ok = async (response: Response, what: string) => {
      assert.ok(response.ok, `${what}: ${response.status} ${await response.clone().text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await ok(await server.api('/api/v1/policies/default', { method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: 'version: 1\n' }), 'policy');
    await ok(await server.api('/api/v1/users', json({ name: 'alice', role: 'auditor' })), 'auditor user');
    auditorToken = (await ok(await server.api('/api/v1/users/alice/tokens', json({ name: 'dashboard test' })), 'auditor token'))['token'] as string;
    // a runtime agent's report: host, one container of the demo image, a drift event
    const host = { id: 'host-e2e', name: 'e2e-host', agentVersion: 'test', facts: { kernel: 'test' } };
    await ok(await server.api('/api/v1/agent/inventory', json({ host, containers: [{ id: 'c0ffee00c0ffee00', name: 'shop', image: 'demo/app:1.0', imageDigest: demo.image.manifestDigest, state: 'running' }] })), 'inventory');
    await ok(
      await server.api(
        '/api/v1/agent/events',
        json({ host, events: [{ seq: 1, event: { time: new Date().toISOString(), type: 'drift', severity: 'high', container: { id: 'c0ffee00c0ffee00', name: 'shop' }, action: 'alert', detail: 'executable /tmp/payload not in the image' } }] }),
      ),
      'events',
    );
    await ok(await server.api(`/api/v1/profiles/${encodeURIComponent('demo/app')}/mode`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'monitor' }) }), 'profile mode');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(token: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url + '/');
    await page.getByLabel('API token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('heading', { name: 'Risk overview' }).waitFor();
    return { page, errors };
  }

  it('shows the overview, an image with filtered findings, runtime and the verified audit log to an admin', async () => {
    const { page, errors } = await signIn(server.adminToken);
    assert.equal(await page.getByTestId('role').textContent(), 'admin');

    // overview: worst severities as the scans say (demo app: critical; the empty directory: none)
    const worst = demo.findings.some((f) => f.severity === 'critical') ? 'critical' : 'high';
    await page.getByRole('heading', { name: 'Images by worst severity' }).waitFor();
    assert.equal(await page.locator(`td[data-severity="${worst}"]`).textContent(), '1');
    assert.equal(await page.locator('td[data-severity="none"]').textContent(), '1');
    const fixable = demo.findings.filter((f) => f.kind === 'vulnerability' && f.vulnerability?.fixedVersion && !f.suppression).length;
    assert.equal(await page.getByTestId('fixable-findings').textContent(), String(fixable));
    await page.locator('[data-testid="trend-chart"] canvas').waitFor();
    await keepScreenshot(page, '01-overview');

    // images list → image page → findings filtered by severity
    await page.getByRole('link', { name: 'Images', exact: true }).click();
    await page.getByRole('link', { name: 'demo/app', exact: true }).click();
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    const findings = page.getByRole('table', { name: 'Findings' });
    await findings.waitFor();
    assert.equal(await findings.locator('tbody tr').count(), demo.findings.length);
    await keepScreenshot(page, '02-image');
    const high = demo.findings.filter((f) => f.severity === 'high');
    assert.ok(high.length > 0 && high.length < demo.findings.length, 'the demo scan has high findings among others');
    await page.getByRole('search', { name: 'Filter findings' }).getByRole('combobox', { name: /^Severity/u }).selectOption('high');
    await page.waitForURL(/severity=high/u);
    await findings.getByText(`${high.length} finding`).waitFor();
    assert.equal(await findings.locator('tbody tr').count(), high.length);
    for (const id of high.map((f) => f.id)) assert.equal(await findings.getByRole('cell', { name: id, exact: true }).count() > 0, true, id);
    await keepScreenshot(page, '03-image-high');
    // the client-side route survives a reload (the server answers index.html)
    await page.reload();
    await page.getByRole('table', { name: 'Findings' }).getByText(`${high.length} finding`).waitFor();

    // runtime: the host, the container with its image's scan status, the drift event, the profile mode
    await page.getByRole('link', { name: 'Runtime' }).click();
    await page.getByRole('table', { name: 'Hosts' }).getByRole('cell', { name: 'e2e-host', exact: true }).waitFor();
    const containers = page.getByRole('table', { name: 'Running containers' });
    await containers.getByRole('cell', { name: 'shop', exact: true }).waitFor();
    assert.equal(await containers.locator(`.sev-${worst}`).count(), 1);
    await page.getByRole('table', { name: 'Runtime events' }).getByRole('cell', { name: 'drift', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Mode for demo/app').inputValue(), 'monitor');
    await keepScreenshot(page, '04-runtime');

    // policies and registries pages render for an admin with their change controls
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('link', { name: 'default', exact: true }).click();
    await page.getByRole('button', { name: 'Edit policy' }).waitFor();
    await keepScreenshot(page, '05-policy-admin');
    await page.getByRole('link', { name: 'Registries' }).click();
    await page.getByRole('heading', { name: 'Add a registry' }).waitFor();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();

    // audit: the entries the setup made, and the chain verifies
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByText('The audit chain verifies').waitFor();
    const entries = page.getByRole('table', { name: 'Audit entries' });
    await entries.getByRole('cell', { name: 'policy.update', exact: true }).waitFor();
    await entries.getByRole('cell', { name: 'user.create', exact: true }).waitFor();
    await keepScreenshot(page, '06-audit');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('shows an auditor no change controls, and the API refuses the change', async () => {
    const { page, errors } = await signIn(auditorToken);
    assert.equal(await page.getByTestId('role').textContent(), 'auditor');
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('link', { name: 'default', exact: true }).click();
    await page.getByLabel('Policy YAML').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit policy' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add exception' }).count(), 0);
    await keepScreenshot(page, '07-policy-auditor');
    await page.getByRole('link', { name: 'Registries' }).click();
    await page.getByRole('heading', { name: 'Registries', level: 1 }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Add a registry' }).count(), 0);
    await page.getByRole('link', { name: 'Runtime' }).click();
    await page.getByRole('table', { name: 'Behaviour profiles' }).getByRole('cell', { name: 'demo/app', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Mode for demo/app').count(), 0);

    // the same change straight from the page's context, with the auditor's session token: 403, audited
    const status = await page.evaluate(async () => {
      const token = sessionStorage.getItem('bulkhead.token');
      const response = await fetch('/api/v1/policies/default', { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/yaml' }, body: 'version: 1\n' });
      return response.status;
    });
    assert.equal(status, 403);
    await page.getByRole('link', { name: 'Audit log' }).click();
    const denied = page.getByRole('table', { name: 'Audit entries' }).locator('tr.denied');
    await denied.first().waitFor();
    assert.match((await denied.last().textContent()) ?? '', /alice.*auth\.denied.*PUT \/api\/v1\/policies\/:name/su);
    await page.getByText('The audit chain verifies').waitFor();
    await keepScreenshot(page, '08-audit-auditor');
    assert.deepEqual(errors.filter((e) => !e.includes('403')), []);
    await page.context().close();
  });

  it('serves the dashboard under a strict CSP and keeps unknown API paths JSON', async () => {
    const index = await fetch(server.url + '/images/anything');
    assert.equal(index.status, 200);
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/u);
    assert.match(csp, /script-src 'self'(;|$)/u);
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/u, 'no inline script');
    const api = await fetch(server.url + '/api/v1/no-such-route');
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /json/u);
    const asset = /src="(\/assets\/[^"]+\.js)"/u.exec(html)?.[1];
    assert.ok(asset);
    const js = await fetch(server.url + asset);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/u);
  });
});
