import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { requireCommand } from '../../../test/harness/exec.js';
import { ecosystemBaseOf, normalizePackageName } from './normalize.js';

// Names as they appear in the wild (PyPI project pages, OSV records, lock files).
const PYPI_NAMES = ['Django', 'jinja2', 'Jinja2', 'zope.interface', 'typing_extensions', 'ruamel.yaml.clib', 'Flask-SQLAlchemy', 'a__b..c--d', 'PyYAML', 'backports.zoneinfo', 'python-dateutil'];

test('PyPI names normalise exactly as the PEP 503 reference function does', () => {
  const python = requireCommand('python3', 'python3', 'the PEP 503 reference normalisation');
  // The function from PEP 503 "Normalized Names", run by Python itself.
  const script = 'import re, sys, json\nprint(json.dumps([re.sub(r"[-_.]+", "-", n).lower() for n in json.loads(sys.stdin.read())]))';
  const expected = JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(PYPI_NAMES) }).toString()) as string[];
  assert.deepEqual(PYPI_NAMES.map((n) => normalizePackageName('PyPI', n)), expected);
});

test('NuGet and Packagist compare case-insensitively; other ecosystems keep names as written', () => {
  assert.equal(normalizePackageName('NuGet', 'Newtonsoft.Json'), normalizePackageName('NuGet', 'newtonsoft.json'));
  assert.equal(normalizePackageName('Packagist', 'Symfony/HTTP-Kernel'), normalizePackageName('Packagist', 'symfony/http-kernel'));
  for (const [eco, name] of [['Go', 'github.com/BurntSushi/toml'], ['Maven', 'org.apache.commons:commons-text'], ['npm', '@babel/core'], ['crates.io', 'Inflector'], ['Debian', 'libssl3']]) {
    assert.equal(normalizePackageName(eco!, name!), name);
  }
});

test('ecosystem base is the part before the first colon', () => {
  assert.deepEqual(['Debian:12', 'Red Hat:enterprise_linux:9::appstream', 'npm', 'Alpine:v3.19'].map(ecosystemBaseOf), ['Debian', 'Red Hat', 'npm', 'Alpine']);
});
