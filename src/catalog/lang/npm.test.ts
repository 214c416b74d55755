import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzeImage } from '../analyze-image.js';
import { npmCataloger } from './npm-cataloger.js';
import { isPackageRootManifest } from './npm-package-json.js';
import { catalogDirectory, catalogFiles } from './testing/catalog-dir.js';
import { startLocalRegistry, type LocalRegistry } from './testing/local-npm-registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, 'testdata', 'npm');
const repoNodeModules = join(here, '..', '..', '..', 'node_modules');
const globalNodeModules = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();

/** name@version of every installed package in `npm ls --all --json` output (the reference view). */
function flattenNpmLs(tree: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (deps: unknown) => {
    if (typeof deps !== 'object' || deps === null) return;
    for (const [name, node] of Object.entries(deps as Record<string, { version?: string; missing?: boolean; dependencies?: unknown }>)) {
      if (node.version && !node.missing) out.add(`${name}@${node.version}`);
      visit(node.dependencies);
    }
  };
  visit((tree as { dependencies?: unknown }).dependencies);
  return out;
}

function npmLs(cwd: string, ...extra: string[]): Set<string> {
  let out: string;
  try {
    out = execFileSync('npm', ['ls', '--all', '--json', ...extra], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // npm ls exits 1 on problems such as extraneous packages but still prints the tree
    out = (e as { stdout: string }).stdout;
  }
  return flattenNpmLs(JSON.parse(out));
}

const ids = (pkgs: { name: string; version: string }[]) => new Set(pkgs.map((p) => `${p.name}@${p.version}`));

describe('npm package roots', () => {
  it('recognises package roots and nothing inside packages', () => {
    assert.equal(isPackageRootManifest('app/node_modules/debug/package.json'), true);
    assert.equal(isPackageRootManifest('node_modules/@babel/code-frame/package.json'), true);
    assert.equal(isPackageRootManifest('a/node_modules/x/node_modules/@s/y/package.json'), true);
    assert.equal(isPackageRootManifest('a/node_modules/glob/dist/esm/package.json'), false);
    assert.equal(isPackageRootManifest('a/node_modules/@scope/package.json'), false);
    assert.equal(isPackageRootManifest('app/package.json'), false);
    assert.equal(isPackageRootManifest('my_node_modules/x/package.json'), false);
  });
});

describe('npm install from a loopback registry, compared with npm ls', () => {
  let registry: LocalRegistry;
  let app: string;
  let reference: Set<string>;
  let prodReference: Set<string>;

  before(async () => {
    registry = await startLocalRegistry([join(globalNodeModules, 'npm', 'node_modules'), repoNodeModules]);
    app = mkdtempSync(join(tmpdir(), 'bulkhead-npm-'));
    copyFileSync(join(testdata, 'fixture-package.json'), join(app, 'package.json'));
    writeFileSync(join(app, '.npmrc'), '');
    // asynchronous: the registry answers from this same process
    await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-update-notifier', '--userconfig', join(app, '.npmrc'), '--cache', join(app, '.cache'), '--registry', registry.url], {
      cwd: app,
    });
    reference = npmLs(app);
    prodReference = npmLs(app, '--omit=dev');
  });
  after(async () => {
    await registry?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('finds exactly the installed packages, each once, from node_modules', async () => {
    const { packages, warnings } = await catalogDirectory(npmCataloger, app, { prefix: 'srv/app/', only: (p) => !p.startsWith('.cache/') });
    assert.deepEqual(warnings, []);
    assert.ok(reference.size >= 15, 'the fixture installs a real tree');
    assert.ok([...reference].some((id) => id.startsWith('@')), 'with scoped packages');
    assert.deepEqual(ids(packages), reference);
    assert.equal(packages.length, reference.size + countNested(packages), 'nested copies of one version are separate locations');
    // the lockfile is next to node_modules: nothing comes from it
    assert.deepEqual(packages.filter((p) => p.cataloger !== 'npm'), []);
    for (const p of packages) {
      assert.match(p.locations[0]!.path, /^srv\/app\/node_modules\/.*package\.json$/);
      const manifest = JSON.parse(readFileSync(join(app, p.locations[0]!.path.slice('srv/app/'.length)), 'utf8')) as { name: string; version: string };
      assert.equal(`${manifest.name}@${manifest.version}`, `${p.name}@${p.version}`);
      const scoped = p.name.startsWith('@');
      assert.equal(p.purl, `pkg:npm/${scoped ? '%40' + p.name.slice(1) : p.name}@${p.version}`);
    }
  });

  it('reads package-lock.json into the same set, marking npm ls --omit=dev exclusions as dev', async () => {
    const lock = readFileSync(join(app, 'package-lock.json'));
    assert.equal(JSON.parse(lock.toString()).lockfileVersion, 3);
    const { packages, warnings } = await catalogFiles(npmCataloger, { 'srv/app/package-lock.json': lock });
    assert.deepEqual(warnings, []);
    assert.deepEqual(ids(packages), reference);
    assert.ok(packages.every((p) => p.cataloger === 'npm-lockfile'));
    const dev = ids(packages.filter((p) => p.metadata?.dev === 'true'));
    assert.deepEqual(dev, new Set([...reference].filter((id) => !prodReference.has(id))));
    assert.ok(dev.size > 0);
  });

  it('gives the same packages through analyzeImage on the directory', async () => {
    const analysis = await analyzeImage(`dir:${app}`, { catalogers: ['npm'], cacheDir: false });
    const npm = analysis.packages.filter((p) => p.type === 'npm');
    assert.deepEqual(ids(npm), reference);
    assert.deepEqual(npm.filter((p) => p.cataloger !== 'npm'), []);
  });

  it('reports lockfile entries whose folder is missing from node_modules', async () => {
    const nested = join(app, 'node_modules', 'rc', 'node_modules', 'ini');
    const gone = JSON.parse(readFileSync(join(nested, 'package.json'), 'utf8')) as { name: string; version: string };
    rmSync(nested, { recursive: true });
    const { packages } = await catalogDirectory(npmCataloger, app, { prefix: 'srv/app/', only: (p) => !p.startsWith('.cache/') });
    const fromLock = packages.filter((p) => p.cataloger === 'npm-lockfile');
    assert.deepEqual(ids(fromLock), new Set([`${gone.name}@${gone.version}`]));
    assert.equal(fromLock[0]!.locations[0]!.path, 'srv/app/package-lock.json');
  });
});

function countNested(packages: { name: string; version: string }[]): number {
  return packages.length - ids(packages).size;
}

describe('npm global install on this machine, compared with npm ls -g', () => {
  it('finds npm, corepack and npm bundled dependencies', async () => {
    const { packages, warnings } = await catalogDirectory(npmCataloger, globalNodeModules, { prefix: 'usr/lib/node_modules/' });
    assert.deepEqual(warnings, []);
    assert.deepEqual(ids(packages), npmLs(globalNodeModules, '-g'));
    assert.ok(packages.some((p) => p.name === 'npm'));
  });
});

describe('npm 6, yarn and pnpm lockfiles made by the real tools from the same package.json', () => {
  const reference = flattenNpmLs(JSON.parse(readFileSync(join(testdata, 'npm-ls.json'), 'utf8')));
  const prodReference = flattenNpmLs(JSON.parse(readFileSync(join(testdata, 'npm-ls-prod.json'), 'utf8')));
  const devReference = new Set([...reference].filter((id) => !prodReference.has(id)));
  const cases: [string, string, boolean][] = [
    ['package-lock-v1.json', 'package-lock.json', true],
    ['yarn-v1.lock', 'yarn.lock', false],
    ['yarn-berry.lock', 'yarn.lock', false],
    ['pnpm-lock-v5.yaml', 'pnpm-lock.yaml', true],
    ['pnpm-lock-v6.yaml', 'pnpm-lock.yaml', true],
    ['pnpm-lock-v9.yaml', 'pnpm-lock.yaml', true],
  ];
  for (const [fixture, name, knowsDev] of cases) {
    it(`${fixture} lists what npm installs`, async () => {
      const { packages, warnings } = await catalogFiles(npmCataloger, { [`app/${name}`]: readFileSync(join(testdata, fixture)) });
      assert.deepEqual(warnings, []);
      assert.deepEqual(ids(packages), reference);
      if (knowsDev) assert.deepEqual(ids(packages.filter((p) => p.metadata?.dev === 'true')), devReference);
    });
  }
});

describe('yarn classic aliases', () => {
  it('reports the real package behind an alias', async () => {
    // yarn v1 lockfile entry for `"dependencies": {"my-ms": "npm:ms@^2.1.0"}`
    const lock = '# yarn lockfile v1\n\n\n"my-ms@npm:ms@^2.1.0":\n  version "2.1.3"\n  resolved "http://127.0.0.1/ms-2.1.3.tgz"\n';
    const { packages } = await catalogFiles(npmCataloger, { 'app/yarn.lock': lock });
    assert.deepEqual(packages.map((p) => p.purl), ['pkg:npm/ms@2.1.3']);
  });
});

describe('npm malformed input', () => {
  it('warns and goes on', async () => {
    const { packages, warnings } = await catalogFiles(npmCataloger, {
      'app/node_modules/x/package.json': '{"name": "x", "version"',
      'app/package-lock.json': 'not json',
      'app/pnpm-lock.yaml': 'packages: [unclosed',
      'app/node_modules/y/package.json': '{"name":"y","version":"1.0.0","license":{"type":"MIT"}}',
    });
    assert.equal(warnings.length, 3);
    assert.ok(warnings.every((w) => w.startsWith('malformed ')));
    assert.deepEqual(packages.map((p) => [p.name, p.licenses]), [['y', ['MIT']]]);
  });
});
