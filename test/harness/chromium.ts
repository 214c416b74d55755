/**
 * Headless Chromium for end-to-end tests of the dashboard: Debian's `chromium` driven by
 * playwright-core (which ships no browser). A missing browser is an error naming the package, never
 * a skip. Also builds the dashboard when its build is missing or older than its sources, and keeps
 * screenshots under test-artifacts/dashboard/.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './cli.js';
import { run, whichCommand } from './exec.js';

export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'dashboard');
export const WEB_BUILD_DIR = join(REPO_ROOT, 'dist', 'web');

/** The browser executable: /usr/bin/chromium from Debian's `chromium` package. */
export function chromiumPath(): string {
  const path = process.env['BULKHEAD_CHROMIUM'] ?? whichCommand('chromium');
  if (!path || !existsSync(path)) {
    throw new Error("test harness: 'chromium' is required (dashboard end-to-end tests) but is not installed; install the Debian package 'chromium' (apt-get install -y chromium)");
  }
  return path;
}

export async function launchChromium(): Promise<Browser> {
  // tests run as root, where Chromium refuses its sandbox
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist/web with Vite (the same command `npm run build` runs) unless it is newer than web/. */
export async function ensureDashboardBuilt(): Promise<void> {
  const index = join(WEB_BUILD_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(REPO_ROOT, 'web'))) return;
  await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'], { cwd: REPO_ROOT, timeoutMs: 180_000 });
  if (!existsSync(index)) throw new Error(`test harness: vite build did not produce ${index}`);
}

/** Saves a full-page screenshot as test-artifacts/dashboard/<name>.png and returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Collects what the page logs as errors (CSP violations, uncaught exceptions) to assert none happened. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (401|403|404)/u.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return errors;
}
