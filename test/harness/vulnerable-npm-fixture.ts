/**
 * An image holding real, vulnerable npm packages from the npm registry (old releases of widely used
 * packages), built with Docker from scratch: one COPY layer with the application and its
 * node_modules. The inventory npm itself reports (`npm ls --all --json`) is kept beside the archive as
 * the reference the vulnerability tests compute their expectations from.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDocker } from './docker.js';
import { requireCommand, run } from './exec.js';
import { cachedFixture } from './fixture-cache.js';

export const VULNERABLE_NPM_VERSION = 'npm-vulnerable-v1';
export const VULNERABLE_NPM_IMAGE = 'bulkhead-fixture/npm-vulnerable:1';

/** Direct dependencies: releases with published advisories (and their transitive trees). */
export const VULNERABLE_APP = {
  name: 'bulkhead-vulnerable-app',
  version: '1.0.0',
  private: true,
  dependencies: {
    lodash: '4.17.15',
    minimist: '1.2.0',
    express: '4.17.1',
    axios: '0.21.0',
    json5: '2.2.1',
    semver: '7.5.1',
    jsonwebtoken: '8.5.1',
    moment: '2.29.1',
    'node-fetch': '2.6.0',
    ws: '7.4.5',
    'tough-cookie': '4.1.2',
    'glob-parent': '5.1.1',
    'ansi-regex': '5.0.0',
  },
};

const DOCKERFILE = `FROM scratch
COPY app /app
`;

export interface VulnerableNpmFixture {
  archivePath: string;
  /** name@version of every installed package, as npm lists them. */
  installed: { name: string; version: string }[];
}

let memo: Promise<VulnerableNpmFixture> | undefined;

export function vulnerableNpmFixture(): Promise<VulnerableNpmFixture> {
  memo ??= load().catch((e: unknown) => {
    memo = undefined;
    throw e;
  });
  return memo;
}

async function load(): Promise<VulnerableNpmFixture> {
  const dir = await cachedFixture(VULNERABLE_NPM_VERSION, build);
  return {
    archivePath: join(dir, 'image.tar'),
    installed: JSON.parse(readFileSync(join(dir, 'installed.json'), 'utf8')) as VulnerableNpmFixture['installed'],
  };
}

async function build(out: string): Promise<void> {
  await ensureDocker();
  requireCommand('npm', 'npm', 'installing the vulnerable application');
  const context = join(out, 'context');
  const app = join(context, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify(VULNERABLE_APP, null, 2) + '\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });
  const ls = await run('npm', ['ls', '--all', '--json', '--long'], { cwd: app });
  const installed = new Map<string, { name: string; version: string }>();
  const walk = (deps: Record<string, { version?: string; dependencies?: Record<string, unknown> }> | undefined): void => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (node.version) installed.set(`${name}@${node.version}`, { name, version: node.version });
      walk(node.dependencies as typeof deps);
    }
  };
  walk((JSON.parse(ls.stdout) as { dependencies?: Record<string, { version?: string }> }).dependencies);
  writeFileSync(join(out, 'installed.json'), JSON.stringify([...installed.values()], null, 1));
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
  await run('docker', ['build', '-t', VULNERABLE_NPM_IMAGE, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  await run('docker', ['save', '-o', join(out, 'image.tar'), VULNERABLE_NPM_IMAGE]);
}
