import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pythonCataloger } from './python-cataloger.js';
import { catalogDirectory, catalogFiles } from './testing/catalog-dir.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Reference {
  path: string;
  name: string;
  version: string;
  license: string | null;
  summary: string | null;
  files: string[] | null;
}

function python(args: string[]): string {
  return execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const sitePackages = python(['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).trim();
const directories = ['/usr/lib/python3/dist-packages', sitePackages].filter((d) => existsSync(d));

describe('python installed distributions, compared with importlib.metadata', () => {
  for (const dir of directories) {
    it(`reads ${dir} as importlib.metadata does`, async () => {
      const reference = JSON.parse(python([join(here, 'testing', 'python-reference.py'), dir])) as Reference[];
      assert.ok(reference.length > 0, `${dir} holds distributions`);
      // importlib.metadata only looks at the top level of a path entry
      const topLevel = (rel: string) => {
        const first = rel.split('/')[0]!;
        return first.endsWith('.dist-info') || first.endsWith('.egg-info');
      };
      const { packages, warnings } = await catalogDirectory(pythonCataloger, dir, { prefix: dir.slice(1) + '/', only: topLevel });
      assert.deepEqual(warnings, []);
      const byLocation = new Map(packages.map((p) => [p.locations[0]!.path, p]));
      assert.equal(packages.length, reference.length);
      let withFiles = 0;
      for (const ref of reference) {
        const metadataFile = existsSync(join(ref.path, 'METADATA')) ? join(ref.path, 'METADATA') : ref.path.endsWith('.egg-info') && existsSync(join(ref.path, 'PKG-INFO')) ? join(ref.path, 'PKG-INFO') : ref.path;
        const pkg = byLocation.get(metadataFile.slice(1));
        assert.ok(pkg, `found ${metadataFile}`);
        assert.equal(pkg.name, ref.name);
        assert.equal(pkg.version, ref.version);
        assert.equal(pkg.purl, `pkg:pypi/${ref.name.toLowerCase().replace(/[-_.]+/g, '-')}@${ref.version}`);
        if (ref.license && ref.license !== 'UNKNOWN' && !ref.license.includes('\n')) assert.deepEqual(pkg.licenses, [ref.license.trim()]);
        if (ref.summary && ref.summary !== 'UNKNOWN') assert.equal(pkg.description, ref.summary.trim()); // surrounding spaces are dropped
        if (ref.files) {
          withFiles++;
          assert.deepEqual([...new Set(pkg.files!.map((f) => '/' + f))].sort(), [...new Set(ref.files)].sort());
        } else assert.equal(pkg.files, undefined);
      }
      assert.ok(withFiles > 0, 'some distributions list their files');
    });
  }
});

describe('python lockfiles', () => {
  it('reads pinned requirements only', async () => {
    // pip's requirements file format (pip docs, "Requirements File Format")
    const { packages } = await catalogFiles(pythonCataloger, {
      'app/requirements-prod.txt': [
        '# comment',
        '-r base.txt',
        '--index-url https://example.invalid/simple',
        'Django==4.2.1 ; python_version >= "3.8"  # web',
        'requests[socks]==2.31.0 \\',
        '    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f',
        'flask>=2.0',
        '-e git+https://example.invalid/x.git#egg=x',
        'zope.interface === 5.0',
      ].join('\n'),
    });
    assert.deepEqual(packages.map((p) => [p.name, p.version, p.purl, p.cataloger]), [
      ['Django', '4.2.1', 'pkg:pypi/django@4.2.1', 'python-lockfile'],
      ['requests', '2.31.0', 'pkg:pypi/requests@2.31.0', 'python-lockfile'],
    ]);
  });

  it('reads poetry.lock, uv.lock and Pipfile.lock package tables', async () => {
    const { packages, warnings } = await catalogFiles(pythonCataloger, {
      // poetry 1.x layout (poetry docs, "poetry.lock")
      'a/poetry.lock': [
        '[[package]]', 'name = "certifi"', 'version = "2023.7.22"', 'description = "x"', 'category = "main"', 'optional = false',
        'python-versions = ">=3.6"', '', '[[package]]', 'name = "pytest"', 'version = "7.4.0"', 'category = "dev"', 'optional = false',
        '', '[package.dependencies]', 'version = "9.9"', '', '[metadata]', 'lock-version = "1.1"',
      ].join('\n'),
      // uv layout: the project itself is an editable source
      'b/uv.lock': [
        'version = 1', 'requires-python = ">=3.12"', '', '[[package]]', 'name = "app"', 'version = "0.1.0"', 'source = { editable = "." }',
        'dependencies = [', '    { name = "idna" },', ']', '', '[[package]]', 'name = "idna"', 'version = "3.7"',
        'source = { registry = "https://pypi.org/simple" }', 'sdist = { url = "x", hash = "sha256:0", size = 1 }',
      ].join('\n'),
      'c/Pipfile.lock': JSON.stringify({ _meta: {}, default: { six: { version: '==1.16.0' }, local: { path: '.' } }, develop: { black: { version: '==23.1.0' } } }),
      'd/Pipfile.lock': '{"default":',
    });
    assert.equal(warnings.length, 1);
    assert.deepEqual(packages.map((p) => [p.locations[0]!.path, p.name, p.version, p.metadata?.dev]), [
      ['a/poetry.lock', 'certifi', '2023.7.22', undefined],
      ['a/poetry.lock', 'pytest', '7.4.0', 'true'],
      ['b/uv.lock', 'idna', '3.7', undefined],
      ['c/Pipfile.lock', 'six', '1.16.0', undefined],
      ['c/Pipfile.lock', 'black', '23.1.0', 'true'],
    ]);
  });
});
